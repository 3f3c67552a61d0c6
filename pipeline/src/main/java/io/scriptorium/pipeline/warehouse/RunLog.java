package io.scriptorium.pipeline.warehouse;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import io.delta.tables.DeltaTable;
import io.scriptorium.model.ModelInfo;
import io.scriptorium.pipeline.RunAlreadyLiveException;
import io.scriptorium.pipeline.RunStatus;
import io.scriptorium.pipeline.RunSummary;
import io.scriptorium.pipeline.ScriptoriumConf;
import io.scriptorium.pipeline.vocab.PageStatus;
import io.scriptorium.pipeline.vocab.RunState;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.sql.Date;
import java.sql.Timestamp;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code runs} table, and which runs are live.
 *
 * <ul>
 *   <li><b>Lease.</b> A {@code digitize} run inserts its {@code running} row with a MERGE that inserts only when no
 *       {@code digitize} run of the same collection and batch date is running. Two such MERGEs racing conflict under
 *       Delta's optimistic concurrency, so exactly one wins; the other re-reads, finds the live run and refuses to
 *       start ({@link RunAlreadyLiveException}) or, told to wait, waits for it to end.
 *   <li><b>Heartbeat.</b> A driver thread beats every {@code run.heartbeatSeconds}, whatever the run is doing: the
 *       row's {@code heartbeat_at}, and a small file {@code _runs/<run id>} whose modification time the storage sets.
 *   <li><b>Interrupted.</b> Only a dead driver's run is marked {@code interrupted}: on this host, when its process is
 *       gone; on another host, when its heartbeat file is older than {@code run.staleMinutes} by the storage's clock
 *       (this run's own heartbeat file is the "now"), so two machines' clocks are never compared. The run that marks
 *       it fills its counts from what it committed and deletes its staged files. A run marked interrupted never
 *       becomes {@code running} again: its own later updates keep the status, and it stops at its next chunk.
 * </ul>
 */
public final class RunLog implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RunLog.class);
  private static final Gson GSON = new GsonBuilder().serializeNulls().disableHtmlEscaping().create();
  private static final String THIS_HOST = host();
  /** This JVM as a driver: host and process id. */
  static final String THIS_DRIVER = THIS_HOST + ":" + ProcessHandle.current().pid();
  /** The command whose runs hold a lease on their (collection, batch date). */
  static final String LEASED_COMMAND = "digitize";
  /** The status of a live run, as stored. */
  private static final String RUNNING = RunState.RUNNING.wireName();

  private final SparkSession spark;
  private final Warehouse warehouse;
  private final int staleMinutes;
  private final int heartbeatSeconds;
  private final int waitPollSeconds;
  private String runId;
  private Map<String, Object> current;
  private ScheduledExecutorService heartbeat;
  /** This run's own commits to {@code runs} (the main thread's and the heartbeat's) take turns: they would conflict. */
  private final Object commits = new Object();
  /** Set by the heartbeat thread when another run marked this one interrupted. */
  private volatile String takenOver;

  public RunLog(SparkSession spark, Warehouse warehouse, ScriptoriumConf conf) {
    this.spark = spark;
    this.warehouse = warehouse;
    this.staleMinutes = conf.runStaleMinutes();
    this.heartbeatSeconds = conf.runHeartbeatSeconds();
    this.waitPollSeconds = conf.runWaitPollSeconds();
  }

  public static String toJson(Map<String, Object> values) {
    return GSON.toJson(values);
  }

  /**
   * Records the run as {@code running} and starts its heartbeat. A {@code digitize} run takes the lease of its
   * collection and batch date first: when another run holds it, this one refuses, or with {@code waitForLive} waits
   * until it ends (the caller then plans, and skips what that run did).
   *
   * @throws RunAlreadyLiveException when another live run holds the lease and {@code waitForLive} is false
   */
  public void started(String runId, String command, String arguments, String collection, Date batchDate,
      ModelInfo model, boolean waitForLive) {
    this.runId = runId;
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
    current.put("status", RUNNING);
    current.put("chunks_committed", 0L);
    boolean leased = LEASED_COMMAND.equals(command);
    if (leased && warehouse.root().startsWith("s3") && spark.conf().getOption("spark.delta.logStore.s3a.impl").isEmpty()) {
      LOG.warn("The warehouse is on S3 with Delta's single-driver LogStore: two drivers committing at once can overwrite"
          + " each other, so the lease of a collection and batch date holds only within one driver. Configure"
          + " io.delta.storage.S3DynamoDBLogStore when several drivers write this warehouse (README, Object storage).");
    }
    for (long waitedSince = System.nanoTime(); ; ) {
      markInterrupted(runId);
      current.put("started_at", now());
      current.put("heartbeat_at", now());
      Row holder = insert(leased);
      if (holder == null) {
        break;
      }
      String live = String.format("run %s (driver %s, last heartbeat %s) is live on collection '%s', batch date %s",
          holder.getString(0), holder.getString(1), holder.get(2), collection, batchDate);
      if (!waitForLive) {
        throw new RunAlreadyLiveException(holder.getString(0), "Not started: " + live
            + "; two runs would infer every page twice. Give --wait to start once it ends.");
      }
      LOG.info("Waiting ({} s so far): {}", (System.nanoTime() - waitedSince) / 1_000_000_000L, live);
      sleep(waitPollSeconds);
    }
    cleanStaging();
    heartbeat = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread thread = new Thread(task, "scriptorium-heartbeat-" + runId);
      thread.setDaemon(true);
      return thread;
    });
    heartbeat.scheduleWithFixedDelay(this::beat, heartbeatSeconds, heartbeatSeconds, TimeUnit.SECONDS);
  }

  /** After planning: what the run will do, so that {@code status} can show progress and an ETA. */
  public void planned(long pagesTotal, long pagesSkipped) {
    current.put("pages_total", pagesTotal);
    current.put("pages_skipped", pagesSkipped);
    update();
  }

  /**
   * The run {@code runId}, or when null the newest running run, else the newest run; null when there is none. Reads
   * only: a run whose driver is dead is reported as such, and left for the next run to mark interrupted.
   */
  public RunStatus status(String wanted) {
    org.apache.spark.sql.Dataset<Row> rows = runs();
    rows = wanted != null ? rows.where(col("run_id").equalTo(wanted))
        : rows.orderBy(functions.when(col("status").equalTo(RUNNING), 0).otherwise(1), col("started_at").desc());
    List<Row> found = rows.limit(1).collectAsList();
    if (found.isEmpty()) {
      return null;
    }
    Row run = found.get(0);
    String id = run.getAs("run_id");
    String status = run.getAs("status");
    long done = spark.read().format("delta").load(warehouse.location(Tables.PAGES)).where(col("run_id").equalTo(id))
        .count();
    Long beatAge = null;
    String dead = null;
    Path probe = new Path(warehouse.root() + "/_runs/.status-probe-" + java.util.UUID.randomUUID());
    try {
      long storageNow = touch(probe);
      Long beat = heartbeatMillis(id);
      Timestamp heartbeatAt = run.getAs("heartbeat_at");
      beatAge = beat != null ? storageNow - beat
          : heartbeatAt == null ? null : System.currentTimeMillis() - heartbeatAt.getTime();
      if (RUNNING.equals(status)) {
        dead = deadDriver(id, run.getAs("driver"), heartbeatAt, storageNow);
      }
    } catch (IOException e) {
      LOG.warn("Cannot read the storage's clock under {}/_runs: {}", warehouse.root(), e.toString());
    } finally {
      deleteQuietly(probe);
    }
    return RunStatus.of(run, done, beatAge == null ? null : beatAge / 1000, dead);
  }

  /** After a chunk commit: the count, and a heartbeat. Throws when another run took this one over. */
  public void chunkCommitted(long chunksCommitted) {
    current.put("chunks_committed", chunksCommitted);
    current.put("heartbeat_at", now());
    update();
    ensureLive();
  }

  /** Throws when another run marked this one interrupted: going on would do its work twice. */
  public void ensureLive() {
    String reason = takenOver;
    if (reason != null) {
      throw new IllegalStateException("Run " + runId + " stops: " + reason);
    }
  }

  public void finished(RunSummary summary, long chunksCommitted) {
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
    current.put("pages_recovered", summary.pagesRecovered());
    current.put("outputs", summary.outputs());
    current.put("pages_per_second", summary.pagesPerSecond());
    close();
    update();
  }

  /** Records the cause; when even that cannot be written, it is logged, and the next run marks this one interrupted. */
  public void failed(Throwable cause) {
    if (current == null) {
      return;
    }
    close();
    try {
      current.put("status", RunState.FAILED.wireName());
      current.put("ended_at", now());
      current.put("error", describe(cause));
      update();
    } catch (RuntimeException | Error e) {
      LOG.error("Run {} failed and its failure could not be recorded in runs ({}); the next run will mark it"
          + " interrupted. The failure: {}", runId, e, describe(cause));
      cause.addSuppressed(e); // the run's own failure is what the user needs to see
    }
  }

  /** Stops the heartbeat. */
  @Override
  public void close() {
    if (heartbeat != null) {
      heartbeat.shutdown(); // a beat in progress finishes (interrupting it would abort its Spark job noisily)
      try {
        heartbeat.awaitTermination(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      heartbeat = null;
      deleteQuietly(heartbeatFile(runId));
    }
  }

  // ---------------------------------------------------------------------------------------------------------------

  /** Inserts this run's row (a leased run's only if no run of its key is running); returns the live holder, else null. */
  private Row insert(boolean leased) {
    Column sameKey = col("status").equalTo(RUNNING).and(col("command").equalTo(LEASED_COMMAND))
        .and(col("collection").eqNullSafe(lit(current.get("collection"))))
        .and(col("batch_date").eqNullSafe(lit(current.get("batch_date"))));
    String condition = leased
        ? "t.status = " + RunState.RUNNING.sqlLiteral() + " AND t.command = '" + LEASED_COMMAND + "'"
            + " AND t.collection <=> s.collection AND t.batch_date <=> s.batch_date"
        : "t.run_id = s.run_id";
    DeltaRetry.onConflict("insert run " + runId, () -> runsTable().as("t")
        .merge(spark.createDataFrame(List.of(row()), Tables.RUNS_SCHEMA).as("s"), condition)
        .whenNotMatched().insertAll()
        .execute());
    if (!leased) {
      return null;
    }
    List<Row> live = runs().where(sameKey).select("run_id", "driver", "heartbeat_at").collectAsList();
    boolean ours = live.stream().anyMatch(r -> r.getString(0).equals(runId));
    return ours || live.isEmpty() ? null : live.get(0);
  }

  /** The current row, without bringing an interrupted run back to life. */
  private void update() {
    Map<String, String> values = Arrays.stream(Tables.RUNS_SCHEMA.fieldNames())
        .filter(name -> !name.equals("status") && !name.equals("error"))
        .collect(Collectors.toMap(name -> name, name -> "s." + name, (a, b) -> a, LinkedHashMap::new));
    Row row = row();
    synchronized (commits) {
      DeltaRetry.onConflict("update run " + runId, () -> runsTable().as("t")
          .merge(spark.createDataFrame(List.of(row), Tables.RUNS_SCHEMA).as("s"),
              "t.run_id = '" + runId + "' AND t.run_id = s.run_id")
          .whenMatched("t.status = " + RunState.RUNNING.sqlLiteral()).updateAll()
          .whenMatched().updateExpr(values)
          .whenNotMatched().insertAll()
          .execute());
    }
  }

  /** One heartbeat (the heartbeat thread): the file, the row, and whether another run took this one over. */
  private void beat() {
    try {
      touchHeartbeatFile(runId);
      synchronized (commits) {
        DeltaRetry.onConflict("heartbeat of run " + runId, () -> runsTable().update(
            col("run_id").equalTo(runId).and(col("status").equalTo(RUNNING)), Map.of("heartbeat_at", lit(now()))));
      }
      Row row = runs().where(col("run_id").equalTo(runId)).select("status", "error").first();
      if (!RUNNING.equals(row.getString(0))) {
        takenOver = "it was marked " + row.getString(0) + " by another run (" + row.getString(1) + ")";
        LOG.error("Run {} {}; it stops at its next chunk", runId, takenOver);
      }
    } catch (RuntimeException | IOException e) {
      LOG.warn("Heartbeat of run {} not recorded: {}", runId, e.toString());
    }
  }

  /** Marks the runs whose driver is dead as interrupted, with the counts they committed. */
  private void markInterrupted(String ownRunId) {
    List<Row> running = runs().where(col("status").equalTo(RUNNING).and(col("run_id").notEqual(ownRunId)))
        .select("run_id", "driver", "heartbeat_at").collectAsList();
    if (running.isEmpty()) {
      return;
    }
    long storageNow;
    try {
      storageNow = touchHeartbeatFile(ownRunId);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("Cannot write the heartbeat file under " + warehouse.root() + "/_runs", e);
    }
    for (Row run : running) {
      String why = deadDriver(run.getString(0), run.getString(1), run.getTimestamp(2), storageNow);
      if (why != null) {
        interrupt(run.getString(0), run.getString(1), why + "; found by run " + ownRunId);
      }
    }
  }

  /** Why the run's driver is dead, or null when it may be alive. */
  private String deadDriver(String otherRunId, String driver, Timestamp heartbeatAt, long storageNow) {
    Long pid = driver != null && driver.startsWith(THIS_HOST + ":") ? pid(driver) : null;
    if (pid != null) {
      boolean alive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
      return alive ? null : "its driver process " + driver + " is gone";
    }
    Long beat = heartbeatMillis(otherRunId);
    long age = beat != null ? storageNow - beat
        : heartbeatAt == null ? Long.MAX_VALUE : System.currentTimeMillis() - heartbeatAt.getTime();
    return age > staleMinutes * 60_000L
        ? "no heartbeat from driver " + driver + " for " + (age == Long.MAX_VALUE ? "ever" : age / 60_000 + " min")
            + " (run.staleMinutes " + staleMinutes + ")"
        : null;
  }

  private void interrupt(String deadRunId, String driver, String why) {
    LOG.warn("Run {} (driver {}) stopped without finishing: {}; marking it interrupted", deadRunId, driver, why);
    Row pages = spark.read().format("delta").load(warehouse.location(Tables.PAGES)).where(col("run_id").equalTo(deadRunId))
        .selectExpr("count_if(status = " + PageStatus.OK.sqlLiteral() + ")",
            "count_if(status <> " + PageStatus.OK.sqlLiteral() + ")").first();
    long outputs = spark.read().format("delta").load(warehouse.location(Tables.RAW_OUTPUTS))
        .where(col("run_id").equalTo(deadRunId)).count();
    Map<String, Column> set = new LinkedHashMap<>();
    set.put("status", lit(RunState.INTERRUPTED.wireName()));
    set.put("ended_at", col("heartbeat_at"));
    set.put("pages_ok", lit(pages.getLong(0)));
    set.put("pages_failed", lit(pages.getLong(1)));
    set.put("outputs", lit(outputs));
    set.put("error", lit("interrupted: " + why + "; counts are what it committed"));
    DeltaRetry.onConflict("mark run " + deadRunId + " interrupted", () -> runsTable().update(
        col("run_id").equalTo(deadRunId).and(col("status").equalTo(RUNNING)), set));
    deleteQuietly(heartbeatFile(deadRunId));
  }

  /** Staged files of runs that are not running (killed, failed without cleaning up) are deleted. */
  private void cleanStaging() {
    Path staging = new Path(warehouse.root() + "/_staging");
    try {
      FileSystem fs = staging.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(staging)) {
        return;
      }
      Set<String> live = runs().where(col("status").equalTo(RUNNING)).select("run_id").collectAsList().stream()
          .map(r -> r.getString(0)).collect(Collectors.toSet());
      for (FileStatus dir : fs.listStatus(staging)) {
        if (!live.contains(dir.getPath().getName())) {
          LOG.info("Deleting the staged files of ended run {}", dir.getPath().getName());
          fs.delete(dir.getPath(), true);
        }
      }
    } catch (IOException e) {
      LOG.warn("Could not clean {}: {}", staging, e.toString());
    }
  }

  private Path heartbeatFile(String id) {
    return new Path(warehouse.root() + "/_runs/" + id);
  }

  /** Writes the run's heartbeat file; returns its modification time, set by the storage. */
  private long touchHeartbeatFile(String id) throws IOException {
    return touch(heartbeatFile(id));
  }

  private long touch(Path file) throws IOException {
    FileSystem fs = file.getFileSystem(spark.sparkContext().hadoopConfiguration());
    try (OutputStream out = fs.create(file, true)) {
      out.write((THIS_DRIVER + "\n").getBytes(StandardCharsets.UTF_8));
    }
    return fs.getFileStatus(file).getModificationTime();
  }

  private Long heartbeatMillis(String id) {
    Path file = heartbeatFile(id);
    try {
      return file.getFileSystem(spark.sparkContext().hadoopConfiguration()).getFileStatus(file).getModificationTime();
    } catch (IOException e) {
      return null; // no file (a run of an older release): the row's heartbeat decides
    }
  }

  private void deleteQuietly(Path file) {
    try {
      file.getFileSystem(spark.sparkContext().hadoopConfiguration()).delete(file, false);
    } catch (IOException e) {
      LOG.debug("Could not delete {}: {}", file, e.toString());
    }
  }

  private DeltaTable runsTable() {
    return DeltaTable.forPath(spark, warehouse.location(Tables.RUNS));
  }

  private org.apache.spark.sql.Dataset<Row> runs() {
    return spark.read().format("delta").load(warehouse.location(Tables.RUNS));
  }

  private Row row() {
    return RowFactory.create(Arrays.stream(Tables.RUNS_SCHEMA.fieldNames()).map(current::get).toArray());
  }

  private static Long pid(String driver) {
    try {
      return Long.parseLong(driver.substring(driver.lastIndexOf(':') + 1));
    } catch (NumberFormatException e) {
      return null; // not ours to judge; the heartbeat decides
    }
  }

  private static void sleep(int seconds) {
    try {
      Thread.sleep(seconds * 1000L);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for the live run to end", e);
    }
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
