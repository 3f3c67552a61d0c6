package io.scriptorium.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.scriptorium.model.Task;
import io.scriptorium.model.TaskSpec;
import io.scriptorium.pipeline.vocab.PageStatus;
import io.scriptorium.testing.SparkTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** Identical content is inferred at a location that really is inferred this run, never at a skipped one. */
@SparkTest
class DedupQuarantinedTwinTest {
  private static final List<TaskSpec> SPOTTING = List.of(TaskSpec.of(Task.SPOTTING));

  private final SparkSession spark = SparkTestSession.get();

  @Test
  void dedupWithAQuarantinedTwin() throws Exception {
    Path input = SparkTestSession.newDirectory("dedup-quarantined-");
    TestPages.write(input, "a-quarantined.png", "the same page twice");
    String warehouse = SparkTestSession.newDirectory("warehouse-dedup-quarantined-").toUri().toString();
    Scriptorium scriptorium = Scriptorium.get(spark);
    assertThat(digitize(input, warehouse, LocalDate.of(2026, 12, 1)).pagesOk()).isEqualTo(1);

    // Earlier runs failed on this content until the page was quarantined: no output exists for it.
    int maxAttempts = new ScriptoriumConf(spark.conf()).maxAttempts();
    scriptorium.sql(warehouse, "UPDATE scriptorium.pages SET status = 'quarantined', error_class = 'inference_error',"
        + " error_message = 'the model failed on this page', attempts = " + maxAttempts);
    scriptorium.sql(warehouse, "DELETE FROM scriptorium.raw_outputs");
    scriptorium.sql(warehouse, "DELETE FROM scriptorium.spots");

    // The same bytes under another name (sorting after the quarantined one).
    Files.copy(input.resolve("a-quarantined.png"), input.resolve("b-copy.png"));
    RunSummary run = digitize(input, warehouse, LocalDate.of(2026, 12, 2));
    assertThat(run.pagesSkipped()).as("the quarantined page stays skipped").isEqualTo(1);
    assertThat(run.pagesDeduplicated()).as("nothing to share: the only twin is quarantined").isZero();
    assertThat(run.pagesOk()).isEqualTo(1);
    assertThat(run.outputs()).as("the copy is inferred itself").isEqualTo(1);

    List<Row> copy = scriptorium.sql(warehouse,
        "SELECT status, content_sha256 FROM scriptorium.pages WHERE source_uri LIKE '%/b-copy.png'").collectAsList();
    assertThat(copy).hasSize(1);
    assertThat(copy.get(0).getString(0)).isEqualTo(PageStatus.OK.wireName());
    assertThat(scriptorium.sql(warehouse, "SELECT count(*) FROM scriptorium.raw_outputs WHERE content_sha256 = '"
        + copy.get(0).getString(1) + "'").first().getLong(0)).as("the copy's content has its output").isEqualTo(1);
    assertThat(scriptorium.sql(warehouse,
        "SELECT count(*) FROM scriptorium.current_outputs WHERE source_uri LIKE '%/b-copy.png' AND text IS NOT NULL")
        .first().getLong(0)).isEqualTo(1);
    assertThat(scriptorium.sql(warehouse, "SELECT count(*) FROM scriptorium.pages p WHERE p.status = 'ok' AND NOT EXISTS"
        + " (SELECT 1 FROM scriptorium.raw_outputs o WHERE o.content_sha256 = p.content_sha256)").first().getLong(0))
        .as("no page is ok without output").isZero();
  }

  private RunSummary digitize(Path input, String warehouse, LocalDate batchDate) {
    return Scriptorium.get(spark).digitize(new DigitizeOptions(List.of(input.toUri().toString()), null, null, warehouse,
        "dedup", batchDate, SPOTTING, null));
  }
}
