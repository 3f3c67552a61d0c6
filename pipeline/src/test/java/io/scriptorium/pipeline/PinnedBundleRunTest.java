package io.scriptorium.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scriptorium.model.BundleException;
import io.scriptorium.model.Task;
import io.scriptorium.model.TaskSpec;
import io.scriptorium.testing.SparkTest;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A nightly job pinned to a bundle refuses a bundle swapped in between two runs, manifest and files together (#16). */
@SparkTest
class PinnedBundleRunTest {
  private final SparkSession spark = SparkTestSession.get();

  @AfterEach
  void unpin() {
    spark.conf().unset(ScriptoriumConf.MODEL_SHA256);
  }

  @Test
  void aSwappedBundleIsRefusedByThePinnedRun() throws Exception {
    Path bundle = TestPages.tinyBundleWithRevision(SparkTestSession.newDirectory("pinned-bundle-"), "night-1");
    Path input = SparkTestSession.newDirectory("pinned-input-");
    TestPages.write(input, "page.png", "pinned page");
    String warehouse = SparkTestSession.newDirectory("warehouse-pinned-").toUri().toString();
    Scriptorium scriptorium = Scriptorium.get(spark);

    RunSummary first = digitize(input, warehouse, bundle, LocalDate.of(2026, 12, 1));
    String pin = scriptorium.sql(warehouse, "SELECT bundle_sha256 FROM scriptorium.raw_outputs").first().getString(0);
    spark.conf().set(ScriptoriumConf.MODEL_SHA256, pin);
    assertThat(digitize(input, warehouse, bundle, LocalDate.of(2026, 12, 2)).runId()).as("the pinned bundle runs")
        .isNotEqualTo(first.runId());

    TestPages.tinyBundleWithRevision(bundle, "swapped"); // manifest and files replaced together: checksums agree
    assertThatThrownBy(() -> digitize(input, warehouse, bundle, LocalDate.of(2026, 12, 3)))
        .isInstanceOf(BundleException.class).hasMessageContaining(pin).hasMessageContaining("refusing");
    assertThat(scriptorium.sql(warehouse, "SELECT count(*) FROM scriptorium.runs").first().getLong(0))
        .as("the refused run never started").isEqualTo(2);

    spark.conf().unset(ScriptoriumConf.MODEL_SHA256);
    assertThat(digitize(input, warehouse, bundle, LocalDate.of(2026, 12, 4)).outputs())
        .as("unpinned, the new revision is accepted and infers the page again").isEqualTo(1);
  }

  private RunSummary digitize(Path input, String warehouse, Path bundle, LocalDate night) {
    return Scriptorium.get(spark).digitize(new DigitizeOptions(List.of(input.toUri().toString()), null, null, warehouse,
        "pinned", night, List.of(TaskSpec.of(Task.SPOTTING)), bundle.toString()));
  }
}
