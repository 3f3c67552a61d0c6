package io.scriptorium.pipeline;

import java.util.Map;

/** Counts of a finished run, as also written to the {@code runs} table. */
public record RunSummary(
    String runId,
    String status,
    long inputFiles,
    long filesRecorded,
    long pagesTotal,
    long pagesOk,
    long pagesFailed,
    long outputs,
    long spots,
    double seconds,
    Map<String, Long> failuresByClass) {

  public double pagesPerSecond() {
    return seconds > 0 ? pagesTotal / seconds : 0;
  }

  /** Every listed file is represented by at least one page row, and every page is ok or failed. */
  public boolean accountedFor() {
    return filesRecorded == inputFiles && pagesOk + pagesFailed == pagesTotal;
  }
}
