package io.scriptorium.pipeline.run;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.SparkContext;
import org.apache.spark.metrics.MetricsSystem;
import org.apache.spark.metrics.source.Source;
import org.apache.spark.util.LongAccumulator;

/**
 * The driver's metrics source, {@value #SOURCE_NAME}: pages of {@code digitize} and {@code rerun} runs and their chunk
 * commits, summed over the runs of this SparkContext. Pages done and failed are read live from each run's accumulators
 * ({@code scriptorium.pages.done}, {@code scriptorium.pages.failed}), so they move as tasks finish. One source per
 * SparkContext, registered by the first run. The README's "Metrics" section lists every name.
 */
public final class DriverMetrics implements Source {
  /** Every Scriptorium metric name starts with this, whichever source reports it. */
  public static final String PREFIX = "scriptorium.";
  static final String SOURCE_NAME = PREFIX + "driver";

  private static final Object LOCK = new Object();
  private static DriverMetrics current;

  private final MetricsSystem system;
  private final MetricRegistry registry = new MetricRegistry();
  private final List<LongAccumulator> done = new CopyOnWriteArrayList<>();
  private final List<LongAccumulator> failed = new CopyOnWriteArrayList<>();
  private final AtomicLong skipped = new AtomicLong();
  private final AtomicLong chunks = new AtomicLong();
  private final AtomicLong commitNanos = new AtomicLong();
  private volatile long lastCommitNanos;

  private DriverMetrics(MetricsSystem system) {
    this.system = system;
    registry.register("pages_done_total", (Gauge<Long>) () -> sum(done));
    registry.register("pages_failed_total", (Gauge<Long>) () -> sum(failed));
    registry.register("pages_skipped_total", (Gauge<Long>) skipped::get);
    registry.register("chunks_committed_total", (Gauge<Long>) chunks::get);
    registry.register("chunk_commit_seconds_total", (Gauge<Double>) () -> commitNanos.get() / 1e9);
    registry.register("chunk_commit_seconds_last", (Gauge<Double>) () -> lastCommitNanos / 1e9);
  }

  /** The source of this context's metrics system, registered there on first use. */
  static DriverMetrics of(SparkContext context) {
    MetricsSystem system = context.env().metricsSystem();
    synchronized (LOCK) {
      if (current == null || current.system != system) {
        current = new DriverMetrics(system);
        system.registerSource(current);
      }
      return current;
    }
  }

  /** A run starts: its page accumulators count from now on, and the pages its plan skipped are added. */
  DriverMetrics track(LongAccumulator pagesDone, LongAccumulator pagesFailed, long pagesSkipped) {
    done.add(pagesDone);
    failed.add(pagesFailed);
    skipped.addAndGet(pagesSkipped);
    return this;
  }

  /** A chunk's results were committed to the tables in {@code nanos}. */
  void chunkCommitted(long nanos) {
    chunks.incrementAndGet();
    commitNanos.addAndGet(nanos);
    lastCommitNanos = nanos;
  }

  @Override
  public String sourceName() {
    return SOURCE_NAME;
  }

  @Override
  public MetricRegistry metricRegistry() {
    return registry;
  }

  private static long sum(List<LongAccumulator> accumulators) {
    long total = 0;
    for (LongAccumulator a : accumulators) {
      total += a.value();
    }
    return total;
  }
}
