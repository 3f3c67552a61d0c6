package io.scriptorium.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code maintain}'s usage errors are one line with exit code 2; a run prints one line per table. */
class MaintainCommandTest {
  @TempDir
  Path dir;

  @Test
  void aShortRetentionWithoutTheFlagIsAUsageError() {
    Run run = run("maintain", "--warehouse", dir.toUri().toString(), "--vacuum-hours", "24");
    assertThat(run.exit).isEqualTo(2);
    assertThat(run.err.strip()).doesNotContain("\n").startsWith("scriptorium maintain: ")
        .contains("--vacuum-hours 24 is below Delta's safe retention of 168 hours", "--allow-short-retention");
  }

  @Test
  void aPredicateOnOtherColumnsIsAUsageErrorAndAPartitionPredicateRuns() {
    Main.session("maintain-command-test"); // started (and logging) before stderr is captured
    String warehouse = dir.resolve("warehouse").toUri().toString();
    Run refused = run("maintain", "--warehouse", warehouse, "--where", "status = 'ok'");
    assertThat(refused.exit).isEqualTo(2);
    assertThat(refused.err.strip()).doesNotContain("\n").startsWith("scriptorium maintain: ")
        .contains("not a predicate on the partition columns collection and batch_date");

    Run ran = run("maintain", "--warehouse", warehouse, "--where", "batch_date >= '2026-01-01'", "--no-vacuum");
    assertThat(ran.exit).as(ran.err).isZero();
    assertThat(ran.out).contains("table(s) maintained", "pages", "raw_outputs", "runs");
  }

  private record Run(int exit, String out, String err) {}

  private static Run run(String... args) {
    PrintStream stdout = System.out;
    PrintStream stderr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit;
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      exit = Main.run(args);
    } finally {
      System.setOut(stdout);
      System.setErr(stderr);
    }
    return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
