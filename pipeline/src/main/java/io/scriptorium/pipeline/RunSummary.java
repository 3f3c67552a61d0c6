package io.scriptorium.pipeline;

import io.scriptorium.pipeline.vocab.RunState;
import java.util.Map;

/**
 * Counts of a finished run, as also written to the {@code runs} table.
 *
 * @param status a {@link RunState}'s wire name, as stored in {@code runs.status}
 * @param pagesTotal pages found in the input (or selected, for a rerun)
 * @param pagesOk pages written as ok by this run, deduplicated ones included
 * @param pagesFailed pages written as failed or quarantined by this run
 * @param pagesSkipped pages with nothing to do: already done for this model and prompt, or quarantined
 * @param pagesDeduplicated ok pages that shared the inference of an identical page
 * @param pagesRecovered ok pages whose outputs an interrupted run had committed (not inferred again)
 * @param filesDiffering listed files whose pages in {@code pages} differ from the pages found at listing, each with
 *     both counts (at most {@link #DIFFERING_SHOWN}); empty when every file is accounted for
 */
public record RunSummary(
    String runId,
    String status,
    long inputFiles,
    long filesRecorded,
    long pagesTotal,
    long pagesOk,
    long pagesFailed,
    long pagesSkipped,
    long pagesDeduplicated,
    long pagesRecovered,
    long outputs,
    long spots,
    double seconds,
    Map<String, Long> failuresByClass,
    java.util.List<String> filesDiffering) {

  /** Files named in {@link #filesDiffering}; the count is {@code inputFiles - filesRecorded}. */
  public static final int DIFFERING_SHOWN = 20;

  public RunSummary {
    RunState.fromWire(status); // throws for a value outside the vocabulary
    failuresByClass = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(failuresByClass));
    filesDiffering = java.util.List.copyOf(filesDiffering);
  }

  /** The run's state. */
  public RunState state() {
    return RunState.fromWire(status);
  }

  /** Pages processed (ok or failed) per second of the run's wall time. */
  public double pagesPerSecond() {
    return seconds > 0 ? (pagesOk + pagesFailed) / seconds : 0;
  }

  /**
   * Every listed file has in {@code pages} the pages found in it at listing (a file that could not be opened: its one
   * failed row), and every planned page is ok, failed or skipped.
   */
  public boolean accountedFor() {
    return filesRecorded == inputFiles && pagesOk + pagesFailed + pagesSkipped == pagesTotal;
  }
}
