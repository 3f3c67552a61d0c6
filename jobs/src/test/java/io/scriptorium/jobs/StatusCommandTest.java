package io.scriptorium.jobs;

import static io.scriptorium.jobs.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.scriptorium.pipeline.Scriptorium;
import io.scriptorium.pipeline.vocab.RunState;
import io.scriptorium.testing.SparkTest;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code status}: what a scheduler waiting on a nightly run sees, as text and as the exit code (#16). */
@SparkTest
class StatusCommandTest {
  @TempDir
  Path dir;

  @Test
  void exitCodeSaysTheRunsState() throws Exception {
    String warehouse = dir.resolve("warehouse").toUri().toString();
    assertThat(run("status", "--warehouse", warehouse).exit()).as("no run yet").isEqualTo(StatusCommand.NOT_FOUND);

    Path input = Files.createDirectories(dir.resolve("input"));
    Path sample = Path.of("samples", "pages");
    try (var files = Files.list(sample)) {
      for (Path file : files.filter(f -> f.getFileName().toString().matches("linn.png|phototest.tif")).toList()) {
        Files.copy(file, input.resolve(file.getFileName()));
      }
    }
    assertThat(Main.run("digitize", "--input", input.toString(), "--warehouse", warehouse, "--tasks", "spotting",
        "--quiet-summary")).isZero();
    CliRun succeeded = run("status", "--warehouse", warehouse);
    assertThat(succeeded.exit()).isEqualTo(StatusCommand.SUCCEEDED);
    assertThat(succeeded.out())
        .contains("(digitize, collection default", RunState.SUCCEEDED.wireName(), "1 chunk(s) committed")
        .containsPattern("pages ([1-9]\\d*) of \\1 done");

    Scriptorium scriptorium = Scriptorium.get(Main.session("status-test"));
    insert(scriptorium, warehouse, "run-live", "'" + java.net.InetAddress.getLocalHost().getHostName() + ":"
        + ProcessHandle.current().pid() + "'");
    CliRun live = run("status", "--warehouse", warehouse);
    assertThat(live.exit()).as("the running run is shown first").isEqualTo(StatusCommand.RUNNING);
    assertThat(live.out()).contains("Run run-live", ": running", "pages 0 of 10 done");

    long deadPid = ProcessHandle.current().pid() + 1_000_000; // no such process
    insert(scriptorium, warehouse, "run-dead", "'" + java.net.InetAddress.getLocalHost().getHostName() + ":" + deadPid
        + "'");
    CliRun dead = run("status", "--warehouse", warehouse, "--run", "run-dead");
    assertThat(dead.exit()).isEqualTo(StatusCommand.INTERRUPTED);
    assertThat(dead.out()).contains("running, but its driver is dead", "the next run marks it interrupted");
    assertThat(run("status", "--warehouse", warehouse, "--run", "run-nope").exit()).isEqualTo(StatusCommand.NOT_FOUND);
  }

  private static void insert(Scriptorium scriptorium, String warehouse, String runId, String driver) {
    scriptorium.sql(warehouse, "INSERT INTO scriptorium.runs (run_id, command, driver, collection, batch_date, status,"
        + " started_at, heartbeat_at, pages_total, pages_skipped, chunks_committed) VALUES ('" + runId + "', 'digitize', "
        + driver + ", 'c', DATE'2026-12-05', 'running', current_timestamp(), current_timestamp(), 12, 2, 0)");
  }
}
