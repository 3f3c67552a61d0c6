package io.scriptorium.pipeline.infer;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import io.scriptorium.model.OcrRuntime;
import io.scriptorium.model.RuntimeStats;
import io.scriptorium.pipeline.run.DriverMetrics;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.ToLongFunction;
import org.apache.spark.SparkEnv;
import org.apache.spark.metrics.MetricsSystem;
import org.apache.spark.metrics.source.Source;

/**
 * The executor's metrics source, {@value #SOURCE_NAME}: the shared {@link OcrRuntime}'s {@link RuntimeStats} as
 * gauges, read when a sink polls. Registered once per JVM and Spark metrics system, by the first task that gets the
 * runtime, so every sink configured for executors (and, in local mode, for the driver) reports it. Counters are
 * exported as gauges whose names end in {@code _total}: they only grow, and the monitoring system computes rates.
 * The README's "Metrics" section lists every name.
 */
final class ExecutorMetrics implements Source {
  static final String SOURCE_NAME = DriverMetrics.PREFIX + "executor";

  private static final Object LOCK = new Object();
  /** The source of the metrics system it was last registered in. */
  private static volatile ExecutorMetrics current;

  private final MetricsSystem system;
  /** Normally one runtime; more when tasks of one JVM use several bundles or devices (the figures are summed). */
  private final List<OcrRuntime> runtimes = new CopyOnWriteArrayList<>();
  private final MetricRegistry registry = new MetricRegistry();

  private ExecutorMetrics(MetricsSystem system) {
    this.system = system;
    gauge("pages_in_flight", RuntimeStats::imagesInFlight);
    gauge("requests_queued", RuntimeStats::queued);
    gauge("batch_rows", RuntimeStats::running);
    gauge("batch_slots", RuntimeStats::batchSlots);
    gauge("kv_cache_tokens", RuntimeStats::kvTokens);
    gauge("kv_cache_capacity_tokens", RuntimeStats::kvTokenCapacity);
    gauge("kv_cache_bytes", RuntimeStats::kvCacheBytes);
    gauge("decode_steps_total", RuntimeStats::steps);
    seconds("decode_seconds_total", RuntimeStats::decodeStepNanos);
    gauge("generated_tokens_total", RuntimeStats::generatedTokens);
    gauge("prefill_tokens_total", RuntimeStats::prefillTokens);
    seconds("prefill_seconds_total", RuntimeStats::prefillNanos);
    gauge("vision_encodes_total", RuntimeStats::visionEncodes);
    seconds("vision_encode_seconds_total", RuntimeStats::visionNanos);
    gauge("queue_waits_total", RuntimeStats::queueWaits);
    seconds("queue_wait_seconds_total", RuntimeStats::queueWaitNanos);
    gauge("finished_stop_total", RuntimeStats::finishedStop);
    gauge("finished_length_total", RuntimeStats::finishedLength);
    gauge("finished_repetition_total", RuntimeStats::finishedRepetition);
    gauge("requests_failed_total", RuntimeStats::failedRequests);
    registry.register("model_loads_total", (Gauge<Long>) () -> (long) OcrRuntime.loadCount());
  }

  /**
   * Makes {@code runtime}'s figures part of this JVM's {@value #SOURCE_NAME} source, registering the source in the
   * current Spark metrics system the first time. Cheap after that (a volatile read and a short list scan); does
   * nothing outside Spark.
   */
  static void register(OcrRuntime runtime) {
    SparkEnv env = SparkEnv.get();
    if (env == null) {
      return;
    }
    ExecutorMetrics source = current;
    if (source != null && source.system == env.metricsSystem() && source.runtimes.contains(runtime)) {
      return;
    }
    synchronized (LOCK) {
      source = current;
      if (source == null || source.system != env.metricsSystem()) { // first use, or a new SparkContext
        source = new ExecutorMetrics(env.metricsSystem());
        env.metricsSystem().registerSource(source);
        current = source;
      }
      if (!source.runtimes.contains(runtime)) {
        source.runtimes.add(runtime);
      }
    }
  }

  @Override
  public String sourceName() {
    return SOURCE_NAME;
  }

  @Override
  public MetricRegistry metricRegistry() {
    return registry;
  }

  private void gauge(String name, ToLongFunction<RuntimeStats> figure) {
    registry.register(name, (Gauge<Long>) () -> sum(figure));
  }

  private void seconds(String name, ToLongFunction<RuntimeStats> nanos) {
    registry.register(name, (Gauge<Double>) () -> sum(nanos) / 1e9);
  }

  private long sum(ToLongFunction<RuntimeStats> figure) {
    long total = 0;
    for (OcrRuntime runtime : runtimes) {
      total += figure.applyAsLong(runtime.stats());
    }
    return total;
  }
}
