package io.scriptorium.pipeline.warehouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scriptorium.model.ModelInfo;
import io.scriptorium.model.Task;
import io.scriptorium.model.TaskSpec;
import io.scriptorium.pipeline.DigitizeOptions;
import io.scriptorium.pipeline.FaultyFileSystem;
import io.scriptorium.pipeline.RunAlreadyLiveException;
import io.scriptorium.pipeline.RunSummary;
import io.scriptorium.pipeline.Scriptorium;
import io.scriptorium.pipeline.ScriptoriumConf;
import io.scriptorium.pipeline.SparkTestSession;
import io.scriptorium.pipeline.TestPages;
import io.scriptorium.pipeline.vocab.RunState;
import io.scriptorium.testing.SparkTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One live run per (collection, batch date), heartbeats, and what the next run does about runs whose driver died
 * (#17 items 2, 6 and 7).
 */
@SparkTest
class RunLeaseTest {
  private static final List<TaskSpec> SPOTTING = List.of(TaskSpec.of(Task.SPOTTING));
  private static final LocalDate NIGHT = LocalDate.of(2026, 12, 5);
  private static final ModelInfo MODEL = new ModelInfo("test", "r1", "sha", null, null, null);

  private final SparkSession spark = SparkTestSession.get();
  private final Scriptorium scriptorium = Scriptorium.get(spark);

  @AfterEach
  void restoreSettings() {
    spark.conf().unset(ScriptoriumConf.RUN_HEARTBEAT_SECONDS);
    spark.conf().unset(ScriptoriumConf.RUN_WAIT_POLL_SECONDS);
  }

  @Test
  void twoSimultaneousRunsOnOnePartitionInferEachPageOnce() throws Exception {
    Path input = pages("simultaneous-", 6);
    String warehouse = warehouse("simultaneous-");
    scriptorium.open(warehouse);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    List<Object> outcomes = new ArrayList<>();
    try {
      List<CompletableFuture<RunSummary>> runs = List.of(
          CompletableFuture.supplyAsync(() -> digitize(input, warehouse, "letters", false), pool),
          CompletableFuture.supplyAsync(() -> digitize(input, warehouse, "letters", false), pool));
      for (CompletableFuture<RunSummary> run : runs) {
        try {
          outcomes.add(run.get(5, TimeUnit.MINUTES));
        } catch (ExecutionException e) {
          outcomes.add(e.getCause());
        }
      }
    } finally {
      pool.shutdownNow();
    }
    List<RunSummary> succeeded = outcomes.stream().filter(RunSummary.class::isInstance).map(RunSummary.class::cast)
        .toList();
    List<Object> refused = outcomes.stream().filter(RunAlreadyLiveException.class::isInstance).toList();
    assertThat(succeeded.size() + refused.size()).as(outcomes.toString()).isEqualTo(2);
    assertThat(succeeded).isNotEmpty();
    long inferred = succeeded.stream().mapToLong(RunSummary::outputs).sum();
    assertThat(inferred).as("the model ran once per page over both runs").isEqualTo(6);
    assertThat(count(warehouse, "SELECT count(*) FROM scriptorium.raw_outputs")).isEqualTo(6);
    assertThat(count(warehouse, "SELECT count(DISTINCT run_id) FROM scriptorium.raw_outputs")).isEqualTo(1);
    assertThat(count(warehouse, "SELECT count(*) FROM scriptorium.pages WHERE status = 'ok'")).isEqualTo(6);
    if (!refused.isEmpty()) {
      assertThat(((RunAlreadyLiveException) refused.get(0)).getMessage())
          .contains(succeeded.get(0).runId(), "collection 'letters'", "--wait");
    }
  }

  @Test
  void aSecondRunRefusesOrWaitsWhileTheLiveOneHoldsTheLease() throws Exception {
    Path input = pages("lease-", 3);
    String warehouse = warehouse("lease-");
    scriptorium.open(warehouse);
    spark.conf().set(ScriptoriumConf.RUN_WAIT_POLL_SECONDS, "1");
    RunLog live = new RunLog(spark, new Warehouse(warehouse), new ScriptoriumConf(spark.conf()));
    live.started("run-live", RunLog.LEASED_COMMAND, "{}", "maps", Date.valueOf(NIGHT), MODEL, false);

    assertThatThrownBy(() -> digitize(input, warehouse, "maps", false))
        .isInstanceOf(RunAlreadyLiveException.class)
        .hasMessageContaining("run-live")
        .hasMessageContaining(":" + ProcessHandle.current().pid())
        .hasMessageContaining("last heartbeat");
    assertThat(count(warehouse, "SELECT count(*) FROM scriptorium.pages")).as("nothing was done").isZero();
    assertThat(digitize(input, warehouse, "other-collection", false).pagesOk())
        .as("another collection is not held").isEqualTo(3);

    CompletableFuture<RunSummary> waiting = CompletableFuture.supplyAsync(() -> digitize(input, warehouse, "maps", true));
    Thread.sleep(3000);
    assertThat(waiting).as("waits while the live run holds the lease").isNotDone();
    live.finished(new RunSummary("run-live", RunState.SUCCEEDED.wireName(), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
        java.util.Map.of(), List.of()), 0);
    RunSummary run = waiting.get(5, TimeUnit.MINUTES);
    assertThat(run.accountedFor()).isTrue();
    assertThat(run.pagesOk() + run.pagesSkipped()).isEqualTo(3);
    assertThat(run.outputs()).as("what the runs before it did is not done again").isZero();
  }

  @Test
  void aLiveRunIsNeverTakenOverAndADeadOneIsMarkedInterruptedWithItsCounts() throws Exception {
    String warehouse = warehouse("interrupted-");
    RunSummary killed = digitize(pages("killed-", 4), warehouse, "killed", false);
    // The run above as a driver killed on another host would leave it: running, counts null, staged files behind.
    update(warehouse, "status = 'running', driver = 'elsewhere.example:4242', pages_ok = NULL, pages_failed = NULL,"
        + " outputs = NULL, ended_at = NULL, heartbeat_at = TIMESTAMP'2026-12-01 00:00:00'", killed.runId());
    Path staged = Files.createDirectories(Path.of(java.net.URI.create(warehouse)).resolve("_staging")
        .resolve(killed.runId()).resolve("chunks").resolve("0"));
    Files.writeString(staged.resolve("part-0.parquet"), "left by a killed driver");

    // Live on this host (this very process) with a heartbeat days old: its process decides, not its heartbeat.
    insertRunning(warehouse, "run-same-host-live", "localhost-alias", RunLog.THIS_DRIVER);
    // Live on another host whose row's clock is days behind but whose heartbeat file the storage stamped just now.
    insertRunning(warehouse, "run-other-host-live", "other", "elsewhere.example:7");
    Path beats = Files.createDirectories(Path.of(java.net.URI.create(warehouse)).resolve("_runs"));
    Files.writeString(beats.resolve("run-other-host-live"), "elsewhere.example:7\n");

    digitize(pages("next-", 1), warehouse, "next", false);

    assertThat(status(warehouse, "run-same-host-live")).isEqualTo(RunState.RUNNING.wireName());
    assertThat(status(warehouse, "run-other-host-live")).isEqualTo(RunState.RUNNING.wireName());
    Row dead = scriptorium.sql(warehouse, "SELECT status, pages_ok, pages_failed, outputs, error FROM scriptorium.runs"
        + " WHERE run_id = '" + killed.runId() + "'").first();
    assertThat(dead.getString(0)).isEqualTo(RunState.INTERRUPTED.wireName());
    assertThat(dead.getLong(1)).as("its committed pages counted").isEqualTo(4);
    assertThat(dead.getLong(2)).isZero();
    assertThat(dead.getLong(3)).isEqualTo(4);
    assertThat(dead.getString(4)).contains("elsewhere.example:4242", "no heartbeat");
    assertThat(Files.exists(staged.getParent().getParent())).as("its staged files are cleaned up").isFalse();
  }

  @Test
  void theHeartbeatBeatsWhateverTheRunIsDoingAndAnInterruptedRunStaysInterrupted() throws Exception {
    String warehouse = warehouse("heartbeat-");
    scriptorium.open(warehouse);
    spark.conf().set(ScriptoriumConf.RUN_HEARTBEAT_SECONDS, "1");
    RunLog run = new RunLog(spark, new Warehouse(warehouse), new ScriptoriumConf(spark.conf()));
    run.started("run-beating", RunLog.LEASED_COMMAND, "{}", "beats", Date.valueOf(NIGHT), MODEL, false);
    try {
      java.sql.Timestamp first = heartbeat(warehouse, "run-beating");
      Thread.sleep(3500); // no chunk committed meanwhile
      assertThat(heartbeat(warehouse, "run-beating")).isAfter(first);
      assertThat(Files.exists(Path.of(java.net.URI.create(warehouse)).resolve("_runs").resolve("run-beating"))).isTrue();

      update(warehouse, "status = 'interrupted', error = 'marked by a test'", "run-beating");
      Throwable stopped = org.assertj.core.api.Assertions.catchThrowable(() -> run.chunkCommitted(1));
      if (stopped != null) { // a heartbeat may have seen it first
        assertThat(stopped).hasMessageContaining("marked interrupted");
      }
      assertThat(status(warehouse, "run-beating")).as("a chunk commit does not bring it back")
          .isEqualTo(RunState.INTERRUPTED.wireName());
      assertThat(count(warehouse, "SELECT chunks_committed FROM scriptorium.runs WHERE run_id = 'run-beating'"))
          .as("but its progress is recorded").isEqualTo(1);
      Thread.sleep(2500); // a heartbeat sees it
      assertThatThrownBy(run::ensureLive).hasMessageContaining("marked interrupted");
      assertThat(status(warehouse, "run-beating")).isEqualTo(RunState.INTERRUPTED.wireName());
    } finally {
      run.close();
    }
  }

  @Test
  void aRunKilledByAnErrorIsRecordedFailedNotLeftRunning() throws Exception {
    spark.sparkContext().hadoopConfiguration().set("fs.faulty.impl", FaultyFileSystem.class.getName());
    spark.sparkContext().hadoopConfiguration().set("fs.faulty.impl.disable.cache", "true");
    String warehouse = warehouse("error-");
    Path input = Files.createDirectories(pages("error-", 1).resolve("oom-on-listing"));
    TestPages.write(input, "page.png", "never read");
    assertThatThrownBy(() -> scriptorium.digitize(new DigitizeOptions(List.of(FaultyFileSystem.uri(input)), null,
        null, warehouse, "errors", NIGHT, SPOTTING, null))).isInstanceOf(OutOfMemoryError.class);
    Row run = scriptorium.sql(warehouse, "SELECT status, error, ended_at FROM scriptorium.runs").first();
    assertThat(run.getString(0)).isEqualTo(RunState.FAILED.wireName());
    assertThat(run.getString(1)).contains("OutOfMemoryError", "oom-on-listing");
    assertThat(run.getTimestamp(2)).isNotNull();
    Path beats = Path.of(java.net.URI.create(warehouse)).resolve("_runs");
    if (Files.exists(beats)) {
      try (var files = Files.list(beats)) {
        assertThat(files.toList()).as("the heartbeat stopped with the run").isEmpty();
      }
    }
  }

  // ---------------------------------------------------------------------------------------------------------------

  private RunSummary digitize(Path input, String warehouse, String collection, boolean waitForLive) {
    return scriptorium.digitize(new DigitizeOptions(List.of(input.toUri().toString()), null, null, warehouse, collection,
        NIGHT, SPOTTING, null, waitForLive));
  }

  private static Path pages(String prefix, int count) throws Exception {
    Path dir = SparkTestSession.newDirectory(prefix);
    for (int i = 1; i <= count; i++) {
      TestPages.write(dir, "page-" + i + ".png", prefix + " page " + i);
    }
    return dir;
  }

  private static String warehouse(String prefix) {
    return SparkTestSession.newDirectory("warehouse-" + prefix).toUri().toString();
  }

  private void insertRunning(String warehouse, String runId, String collection, String driver) {
    scriptorium.sql(warehouse, "INSERT INTO scriptorium.runs (run_id, command, driver, collection, batch_date, status,"
        + " started_at, heartbeat_at) VALUES ('" + runId + "', 'digitize', '" + driver + "', '" + collection + "', DATE'"
        + NIGHT + "', 'running', TIMESTAMP'2026-12-01 00:00:00', TIMESTAMP'2026-12-01 00:00:00')");
  }

  private void update(String warehouse, String set, String runId) {
    DeltaRetry.onConflict("test update", // a heartbeat may commit at the same time
        () -> scriptorium.sql(warehouse, "UPDATE scriptorium.runs SET " + set + " WHERE run_id = '" + runId + "'"));
  }

  private String status(String warehouse, String runId) {
    return scriptorium.sql(warehouse, "SELECT status FROM scriptorium.runs WHERE run_id = '" + runId + "'").first()
        .getString(0);
  }

  private java.sql.Timestamp heartbeat(String warehouse, String runId) {
    return scriptorium.sql(warehouse, "SELECT heartbeat_at FROM scriptorium.runs WHERE run_id = '" + runId + "'")
        .first().getTimestamp(0);
  }

  private long count(String warehouse, String query) {
    return ((Number) scriptorium.sql(warehouse, query).first().get(0)).longValue();
  }
}
