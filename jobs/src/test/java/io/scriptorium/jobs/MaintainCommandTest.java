package io.scriptorium.jobs;

import static io.scriptorium.jobs.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.scriptorium.testing.SparkTest;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code maintain}'s usage errors are one line with exit code 2; a run prints one line per table. */
@SparkTest
class MaintainCommandTest {
  @TempDir
  Path dir;

  @Test
  void aShortRetentionWithoutTheFlagIsAUsageError() {
    CliRun run = run("maintain", "--warehouse", dir.toUri().toString(), "--vacuum-hours", "24");
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err().strip()).doesNotContain("\n").startsWith("scriptorium maintain: ")
        .contains("--vacuum-hours 24 is below Delta's safe retention of 168 hours", "--allow-short-retention");
  }

  @Test
  void aPredicateOnOtherColumnsIsAUsageErrorAndAPartitionPredicateRuns() {
    Main.session("maintain-command-test"); // started (and logging) before stderr is captured
    String warehouse = dir.resolve("warehouse").toUri().toString();
    CliRun refused = run("maintain", "--warehouse", warehouse, "--where", "status = 'ok'");
    assertThat(refused.exit()).isEqualTo(2);
    assertThat(refused.err().strip()).doesNotContain("\n").startsWith("scriptorium maintain: ")
        .contains("not a predicate on the partition columns collection and batch_date");

    CliRun ran = run("maintain", "--warehouse", warehouse, "--where", "batch_date >= '2026-01-01'", "--no-vacuum");
    assertThat(ran.exit()).as(ran.err()).isZero();
    assertThat(ran.out()).contains("table(s) maintained", "pages", "raw_outputs", "runs");
  }
}
