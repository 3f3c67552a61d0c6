package io.scriptorium.pipeline;

import io.scriptorium.pipeline.vocab.RunState;
import java.sql.Timestamp;
import org.apache.spark.sql.Row;

/**
 * One run as {@code status} reports it, from its {@code runs} row and the {@code pages} rows it committed.
 *
 * @param status a {@link RunState}'s wire name, as stored; {@link #state()} is the enum
 * @param pagesPlanned pages the run plans to process (found minus skipped); null until its planning is done
 * @param pagesDone pages it has committed so far (ok or failed)
 * @param heartbeatAgeSeconds age of its last heartbeat, by the storage's clock when its heartbeat file exists
 * @param deadDriver for a {@code running} run whose driver is dead, why; the next run marks it interrupted
 */
public record RunStatus(
    String runId,
    String command,
    String collection,
    String batchDate,
    String status,
    String driver,
    Timestamp startedAt,
    Timestamp endedAt,
    Long heartbeatAgeSeconds,
    long chunksCommitted,
    Long pagesPlanned,
    long pagesDone,
    String deadDriver,
    String error) {

  public static RunStatus of(Row run, long pagesDone, Long heartbeatAgeSeconds, String deadDriver) {
    Long total = run.getAs("pages_total");
    Long skipped = run.getAs("pages_skipped");
    Long chunks = run.getAs("chunks_committed");
    Object batchDate = run.getAs("batch_date");
    return new RunStatus(run.getAs("run_id"), run.getAs("command"), run.getAs("collection"),
        batchDate == null ? null : batchDate.toString(), run.getAs("status"), run.getAs("driver"),
        run.getAs("started_at"), run.getAs("ended_at"), heartbeatAgeSeconds, chunks == null ? 0 : chunks,
        total == null ? null : total - (skipped == null ? 0 : skipped), pagesDone, deadDriver, run.getAs("error"));
  }

  /** The run's state. */
  public RunState state() {
    return RunState.fromWire(status);
  }

  /** Pages per second since the start (to the end, for an ended run). */
  public double pagesPerSecond() {
    long end = endedAt != null ? endedAt.getTime() : System.currentTimeMillis();
    double seconds = startedAt == null ? 0 : (end - startedAt.getTime()) / 1000.0;
    return seconds > 0 ? pagesDone / seconds : 0;
  }

  /** Seconds left at the current rate; null when unknown (not planned yet, nothing done, or ended). */
  public Long etaSeconds() {
    double rate = pagesPerSecond();
    if (state() != RunState.RUNNING || pagesPlanned == null || rate <= 0) {
      return null;
    }
    return Math.round(Math.max(0, pagesPlanned - pagesDone) / rate);
  }
}
