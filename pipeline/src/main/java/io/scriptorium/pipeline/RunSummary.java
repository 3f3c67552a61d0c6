package io.scriptorium.pipeline;

import java.util.Map;

/**
 * Counts of a finished run, as also written to the {@code runs} table.
 *
 * @param pagesTotal pages found in the input (or selected, for a rerun)
 * @param pagesOk pages written as ok by this run, deduplicated ones included
 * @param pagesFailed pages written as failed or quarantined by this run
 * @param pagesSkipped pages with nothing to do: already done for this model and prompt, or quarantined
 * @param pagesDeduplicated ok pages that shared the inference of an identical page
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
    long outputs,
    long spots,
    double seconds,
    Map<String, Long> failuresByClass) {

  /** Pages processed (ok or failed) per second of the run's wall time. */
  public double pagesPerSecond() {
    return seconds > 0 ? (pagesOk + pagesFailed) / seconds : 0;
  }

  /** Every listed file has planned pages, and every page is ok, failed or skipped. */
  public boolean accountedFor() {
    return filesRecorded == inputFiles && pagesOk + pagesFailed + pagesSkipped == pagesTotal;
  }
}
