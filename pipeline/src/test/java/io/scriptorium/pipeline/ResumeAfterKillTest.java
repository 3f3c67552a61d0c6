package io.scriptorium.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.scriptorium.model.Task;
import io.scriptorium.model.TaskSpec;
import io.scriptorium.pipeline.vocab.RunState;
import io.scriptorium.testing.SparkTest;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * A driver killed with SIGKILL after some chunks were committed: the next run redoes only the uncommitted
 * pages, every (page, task) is in the tables exactly once, and {@code runs} shows the killed run as interrupted.
 */
@SparkTest
class ResumeAfterKillTest {
  private static final int PAGES = 12;
  private static final int CHUNK_PAGES = 3;

  private final SparkSession spark = SparkTestSession.get();

  @Test
  void killedRunResumesWhereItsCommitsEnded() throws Exception {
    Path input = SparkTestSession.newDirectory("resume-");
    for (int i = 1; i <= PAGES; i++) {
      TestPages.write(input, "page-" + i + ".png", "resume page " + i);
    }
    String warehouse = SparkTestSession.newDirectory("warehouse-resume-").toUri().toString();
    Scriptorium.get(spark).open(warehouse);

    Process driver = startDriver(input, warehouse);
    String killedRun;
    long committedOutputs;
    try {
      killedRun = awaitFirstChunk(warehouse, driver);
      driver.destroyForcibly(); // SIGKILL: no shutdown hook, no finally
      assertThat(driver.waitFor(60, TimeUnit.SECONDS)).isTrue();
      committedOutputs = outputsOf(warehouse, killedRun);
    } finally {
      driver.destroyForcibly();
    }
    assertThat(committedOutputs).isBetween(1L, (long) PAGES - 1);

    RunSummary resumed = Scriptorium.get(spark).digitize(new DigitizeOptions(List.of(input.toUri().toString()), null,
        null, warehouse, "resume", LocalDate.of(2026, 11, 25), List.of(TaskSpec.of(Task.SPOTTING)), null));

    // Committed pages are not inferred again (a page whose pages row the kill cut off is recorded from its
    // committed output, counted as recovered).
    assertThat(resumed.outputs()).as("only uncommitted pages are inferred").isEqualTo(PAGES - committedOutputs);
    assertThat(resumed.pagesSkipped() + resumed.pagesRecovered()).isEqualTo(committedOutputs);
    assertThat(resumed.pagesDeduplicated()).as("no page here shares another's content").isZero();
    assertThat(outputsOf(warehouse, killedRun)).as("the killed run's commits stand").isEqualTo(committedOutputs);
    Row counts = Scriptorium.get(spark).sql(warehouse,
        "SELECT count(*), count(DISTINCT content_sha256, task) FROM scriptorium.raw_outputs").first();
    assertThat(counts.getLong(0)).isEqualTo(PAGES).isEqualTo(counts.getLong(1));
    Row pages = Scriptorium.get(spark).sql(warehouse, "SELECT count(*), count(DISTINCT page_id) FROM scriptorium.pages").first();
    assertThat(pages.getLong(0)).isEqualTo(PAGES).isEqualTo(pages.getLong(1));
    assertThat(Scriptorium.get(spark).sql(warehouse,
        "SELECT status FROM scriptorium.runs WHERE run_id = '" + killedRun + "'").first().getString(0))
        .isEqualTo(RunState.INTERRUPTED.wireName());
  }

  private Process startDriver(Path input, String warehouse) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // The same JVM flags as this test JVM (Spark's --add-opens, DJL's thread settings).
    command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(arg -> !arg.startsWith("-agentlib") && !arg.startsWith("-javaagent")).toList());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(DigitizeMain.class.getName());
    command.add(input.toUri().toString());
    command.add(warehouse);
    command.add(String.valueOf(CHUNK_PAGES));
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(SparkTestSession.newDirectory("driver-log-").resolve("driver.log").toFile())
        .start();
  }

  /**
   * Waits until the child driver has committed a chunk of outputs (a new version in the raw_outputs Delta log:
   * version 0 is the table's creation), then returns its run id. Watching the log is cheap; a Spark query
   * every half second would slow the child down.
   */
  private String awaitFirstChunk(String warehouse, Process driver) throws InterruptedException {
    Path firstCommit = Path.of(java.net.URI.create(warehouse + "/raw_outputs/_delta_log/00000000000000000001.json"));
    long deadline = System.nanoTime() + Duration.ofMinutes(15).toNanos();
    while (!java.nio.file.Files.exists(firstCommit)) {
      assertThat(driver.isAlive()).as("the child driver died on its own").isTrue();
      assertThat(System.nanoTime()).as("the child driver committed no chunk within 15 minutes").isLessThan(deadline);
      Thread.sleep(200);
    }
    return spark.read().format("delta").load(warehouse + "/runs").where("status = 'running'")
        .select("run_id").first().getString(0);
  }

  private long outputsOf(String warehouse, String runId) {
    return spark.read().format("delta").load(warehouse + "/raw_outputs").where("run_id = '" + runId + "'").count();
  }
}
