package io.scriptorium.pipeline;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import io.delta.tables.DeltaTable;
import io.scriptorium.model.ModelInfo;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.Date;
import java.sql.Timestamp;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code runs} table: a row written as {@code running} when a run starts, a heartbeat at every chunk
 * commit, and the final counts at the end. A run whose driver died keeps {@code running} until the next
 * run marks it {@code interrupted}: at once when its driver was a process on this host that no longer
 * exists, otherwise once its heartbeat is older than {@code spark.scriptorium.run.staleMinutes}.
 */
final class RunLog {
  private static final Logger LOG = LoggerFactory.getLogger(RunLog.class);
  private static final Gson GSON = new GsonBuilder().serializeNulls().disableHtmlEscaping().create();
  private static final String THIS_DRIVER = host() + ":" + ProcessHandle.current().pid();

  private final SparkSession spark;
  private final Warehouse warehouse;
  private final int staleMinutes;
  private Map<String, Object> current;

  RunLog(SparkSession spark, Warehouse warehouse, int staleMinutes) {
    this.spark = spark;
    this.warehouse = warehouse;
    this.staleMinutes = staleMinutes;
  }

  static String toJson(Map<String, Object> values) {
    return GSON.toJson(values);
  }

  void started(String runId, String command, String arguments, String collection, Date batchDate, ModelInfo model) {
    markInterrupted();
    current = new HashMap<>();
    current.put("run_id", runId);
    current.put("command", command);
    current.put("driver", THIS_DRIVER);
    current.put("arguments", arguments);
    current.put("collection", collection);
    current.put("batch_date", batchDate);
    current.put("model_id", model.modelId());
    current.put("model_revision", model.revision());
    current.put("bundle_sha256", model.bundleSha256());
    current.put("status", "running");
    current.put("started_at", now());
    current.put("heartbeat_at", now());
    current.put("chunks_committed", 0L);
    spark.createDataFrame(List.of(row()), Tables.RUNS_SCHEMA)
        .write().format("delta").mode("append").save(warehouse.location(Tables.RUNS));
  }

  void heartbeat(String runId, long chunksCommitted) {
    current.put("chunks_committed", chunksCommitted);
    current.put("heartbeat_at", now());
    upsert();
  }

  void finished(RunSummary summary, long chunksCommitted) {
    current.put("status", summary.status());
    current.put("ended_at", now());
    current.put("heartbeat_at", now());
    current.put("chunks_committed", chunksCommitted);
    current.put("input_files", summary.inputFiles());
    current.put("pages_total", summary.pagesTotal());
    current.put("pages_ok", summary.pagesOk());
    current.put("pages_failed", summary.pagesFailed());
    current.put("pages_skipped", summary.pagesSkipped());
    current.put("pages_deduplicated", summary.pagesDeduplicated());
    current.put("outputs", summary.outputs());
    current.put("pages_per_second", summary.pagesPerSecond());
    upsert();
  }

  void failed(String runId, Throwable cause) {
    if (current == null) {
      return;
    }
    try {
      current.put("status", "failed");
      current.put("ended_at", now());
      current.put("error", describe(cause));
      upsert();
    } catch (RuntimeException e) {
      cause.addSuppressed(e); // the run's own failure is what the user needs to see
    }
  }

  /** Marks runs whose driver is gone as interrupted, so {@code runs} never shows a dead run as running. */
  private void markInterrupted() {
    List<Row> running = spark.read().format("delta").load(warehouse.location(Tables.RUNS))
        .where("status = 'running'").select("run_id", "driver", "heartbeat_at").collectAsList();
    long staleBefore = System.currentTimeMillis() - staleMinutes * 60_000L;
    for (Row run : running) {
      String driver = run.getString(1);
      Timestamp heartbeat = run.getTimestamp(2);
      boolean dead = driver != null && driver.startsWith(host() + ":") && !alive(driver);
      boolean stale = heartbeat == null || heartbeat.getTime() < staleBefore;
      if (dead || stale) {
        LOG.warn("Run {} (driver {}) stopped without finishing; marking it interrupted", run.getString(0), driver);
        retryOnConflict(() -> spark.sql("UPDATE delta.`" + warehouse.location(Tables.RUNS)
            + "` SET status = 'interrupted' WHERE run_id = '" + run.getString(0) + "' AND status = 'running'"));
      }
    }
  }

  private static boolean alive(String driver) {
    try {
      long pid = Long.parseLong(driver.substring(driver.lastIndexOf(':') + 1));
      return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    } catch (NumberFormatException e) {
      return true; // not ours to judge; the heartbeat decides
    }
  }

  private void upsert() {
    String runId = (String) current.get("run_id");
    retryOnConflict(() -> DeltaTable.forPath(spark, warehouse.location(Tables.RUNS)).as("r")
        .merge(spark.createDataFrame(List.of(row()), Tables.RUNS_SCHEMA).as("u"),
            "r.run_id = '" + runId + "' AND r.run_id = u.run_id")
        .whenMatched().updateAll()
        .whenNotMatched().insertAll()
        .execute());
  }

  /**
   * {@code runs} is small and shared by every run of the warehouse, so concurrent runs' updates can
   * conflict; each update is idempotent, so it is simply tried again.
   */
  private static void retryOnConflict(Runnable update) {
    for (int attempt = 1; ; attempt++) {
      try {
        update.run();
        return;
      } catch (io.delta.exceptions.DeltaConcurrentModificationException e) {
        if (attempt == 5) {
          throw e;
        }
        try {
          Thread.sleep(200L * attempt + (long) (Math.random() * 300));
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  private Row row() {
    return RowFactory.create(java.util.Arrays.stream(Tables.RUNS_SCHEMA.fieldNames()).map(current::get).toArray());
  }

  private static String describe(Throwable error) {
    StringBuilder text = new StringBuilder();
    for (Throwable t = error; t != null && text.length() < 4000; t = t.getCause()) {
      if (text.length() > 0) {
        text.append(" <- caused by: ");
      }
      text.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage());
    }
    return text.toString();
  }

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "unknown-host";
    }
  }

  private static Timestamp now() {
    return new Timestamp(System.currentTimeMillis());
  }
}
