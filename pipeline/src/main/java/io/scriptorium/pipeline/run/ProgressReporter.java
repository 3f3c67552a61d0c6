package io.scriptorium.pipeline.run;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs pages done / total, pages/s and ETA on the driver at a fixed interval while a run goes on.
 * Accumulators are merged on the driver as tasks finish, so partitions sized in pages keep it fresh.
 */
final class ProgressReporter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ProgressReporter.class);

  private final String runId;
  private final long total;
  private final LongAccumulator done;
  private final LongAccumulator failed;
  private final long startNanos = System.nanoTime();
  private final ScheduledExecutorService timer;

  ProgressReporter(String runId, long total, LongAccumulator done, LongAccumulator failed, int intervalSeconds) {
    this.runId = runId;
    this.total = total;
    this.done = done;
    this.failed = failed;
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "scriptorium-progress");
      thread.setDaemon(true);
      return thread;
    });
    timer.scheduleAtFixedRate(this::report, intervalSeconds, intervalSeconds, TimeUnit.SECONDS);
  }

  void report() {
    LOG.info(line());
  }

  String line() {
    long pages = done.value();
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    double rate = seconds > 0 ? pages / seconds : 0;
    String eta = rate > 0 && pages < total ? format(Duration.ofSeconds((long) ((total - pages) / rate))) : "-";
    return String.format(java.util.Locale.ROOT, "%s: %d/%d pages (%d failed), %.2f pages/s, ETA %s",
        runId, pages, total, failed.value(), rate, eta);
  }

  private static String format(Duration d) {
    return d.toHours() > 0
        ? String.format(java.util.Locale.ROOT, "%dh%02dm", d.toHours(), d.toMinutesPart())
        : String.format(java.util.Locale.ROOT, "%dm%02ds", d.toMinutes(), d.toSecondsPart());
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
