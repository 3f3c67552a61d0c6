package io.scriptorium.jobs;

import static io.scriptorium.jobs.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.scriptorium.testing.SparkTest;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A usage error is one line naming what is wrong, and exit code 2; never a stack trace (#15). */
@SparkTest
class UsageErrorsTest {
  @TempDir
  Path dir;

  @Test
  void aMistypedTaskListsTheValidOnes() {
    CliRun run = run("digitize", "--input", dir.toString(), "--warehouse", dir.resolve("w").toString(), "--tasks",
        "spotting,spoting");
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err().strip()).doesNotContain("\n").startsWith("scriptorium digitize: ")
        .contains("Unknown task 'spoting'", "spotting, parse, formula");
  }

  @Test
  void optionsThatDoNotGoTogetherAreAUsageError() {
    CliRun both = run("digitize", "--input", dir.toString(), "--manifest", dir.toString(), "--warehouse",
        dir.toString());
    assertThat(both.exit()).isEqualTo(2);
    assertThat(both.err().strip()).doesNotContain("\n").contains("--input", "--manifest");
    CliRun ie = run("rerun", "--warehouse", dir.toString(), "--where", "true", "--tasks", "ie");
    assertThat(ie.exit()).isEqualTo(2);
    assertThat(ie.err().strip()).doesNotContain("\n").startsWith("scriptorium rerun: ");
  }

  @Test
  void anUnknownSettingIsRejectedWithTheNearestKnownOne() {
    CliRun run = digitizeWith("spark.scriptorium.batch.maxSise", "4");
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err().strip()).doesNotContain("\n")
        .contains("Unknown setting spark.scriptorium.batch.maxSise; did you mean spark.scriptorium.batch.maxSize?");
  }

  @Test
  void aBadSettingValueIsOneLineNamingKeyAndValue() {
    CliRun run = digitizeWith("spark.scriptorium.pdf.dpi", "many");
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err().strip()).doesNotContain("\n").startsWith("scriptorium digitize: ")
        .contains("spark.scriptorium.pdf.dpi", "'many'");
  }

  /** {@code digitize} in a session that holds one extra setting, taken out again afterwards. */
  private CliRun digitizeWith(String key, String value) {
    SparkSession spark = Main.session("usage-errors-test");
    spark.conf().set(key, value);
    try {
      return run("digitize", "--input", dir.toString(), "--warehouse", dir.resolve("w").toString());
    } finally {
      spark.conf().unset(key);
    }
  }
}
