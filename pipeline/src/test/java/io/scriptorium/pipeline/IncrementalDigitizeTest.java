package io.scriptorium.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.scriptorium.model.OcrRuntime;
import io.scriptorium.model.RuntimeConfig;
import io.scriptorium.model.Task;
import io.scriptorium.model.TaskSpec;
import io.scriptorium.testing.SparkTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** Nightly runs do exactly the new work: skip what is done, infer identical pages once, rerun a slice. */
@SparkTest
class IncrementalDigitizeTest {
  private static final List<TaskSpec> SPOTTING = List.of(TaskSpec.of(Task.SPOTTING));

  private final SparkSession spark = SparkTestSession.get();

  @Test
  void secondRunSkipsEverythingAndOnlyNewOrChangedPagesAreProcessed() throws Exception {
    Path input = SparkTestSession.newDirectory("incremental-");
    for (int i = 1; i <= 5; i++) {
      TestPages.write(input, "page-" + i + ".png", "first night " + i);
    }
    String warehouse = SparkTestSession.newDirectory("warehouse-incremental-").toUri().toString();

    RunSummary first = digitize(input, warehouse, LocalDate.of(2026, 11, 23));
    assertThat(first.pagesOk()).isEqualTo(5);
    long outputsAfterFirst = count(warehouse, "raw_outputs");
    long pagesAfterFirst = count(warehouse, "pages");
    assertThat(outputsAfterFirst).isEqualTo(5);

    RunSummary again = digitize(input, warehouse, LocalDate.of(2026, 11, 23));
    assertThat(again.pagesSkipped()).isEqualTo(5);
    assertThat(again.pagesOk() + again.pagesFailed()).isZero();
    assertThat(count(warehouse, "raw_outputs")).isEqualTo(outputsAfterFirst);
    assertThat(count(warehouse, "pages")).isEqualTo(pagesAfterFirst);

    for (int i = 6; i <= 8; i++) {
      TestPages.write(input, "page-" + i + ".png", "second night " + i);
    }
    TestPages.write(input, "page-2.png", "page two, rescanned");
    RunSummary next = digitize(input, warehouse, LocalDate.of(2026, 11, 24));
    assertThat(next.pagesOk()).isEqualTo(4);
    assertThat(next.pagesSkipped()).isEqualTo(4);
    assertThat(count(warehouse, "raw_outputs")).isEqualTo(outputsAfterFirst + 4);

    // The same content under another name is inferred once and shared.
    Files.copy(input.resolve("page-1.png"), input.resolve("copy-of-page-1.png"));
    RunSummary copy = digitize(input, warehouse, LocalDate.of(2026, 11, 25));
    assertThat(copy.pagesDeduplicated()).isEqualTo(1);
    assertThat(copy.outputs()).isZero();
    List<Row> shared = Scriptorium.get(spark).sql(warehouse,
        "SELECT source_uri, output_run_id FROM scriptorium.current_outputs WHERE source_uri LIKE '%page-1.png'"
            + " ORDER BY source_uri").collectAsList();
    assertThat(shared).hasSize(2);
    assertThat(shared.get(0).getString(1)).isEqualTo(first.runId()).isEqualTo(shared.get(1).getString(1));

    // Rerun one page with another model revision: the new result is current there, the old one elsewhere.
    Path newer = TestPages.tinyBundleWithRevision(SparkTestSession.newDirectory("bundle-"), "tiny-rerun-r2");
    RunSummary rerun = Scriptorium.get(spark).rerun(new RerunOptions(warehouse,
        "source_uri LIKE '%/page-3.png'", SPOTTING, newer.toString(), null));
    assertThat(rerun.pagesOk()).isEqualTo(1);
    String defaultRevision = OcrRuntime.describe(RuntimeConfig.defaults()).revision();
    List<Row> revisions = Scriptorium.get(spark).sql(warehouse,
        "SELECT source_uri, model_revision FROM scriptorium.current_outputs ORDER BY source_uri").collectAsList();
    for (Row row : revisions) {
      assertThat(row.getString(1)).as(row.getString(0))
          .isEqualTo(row.getString(0).endsWith("/page-3.png") ? "tiny-rerun-r2" : defaultRevision);
    }
    assertThat(Scriptorium.get(spark).sql(warehouse,
        "SELECT count(DISTINCT model_revision) FROM scriptorium.raw_outputs o JOIN scriptorium.pages p"
            + " ON o.content_sha256 = p.content_sha256 WHERE p.source_uri LIKE '%/page-3.png'").first().getLong(0))
        .as("both revisions stay queryable").isEqualTo(2);
  }

  private RunSummary digitize(Path input, String warehouse, LocalDate batchDate) {
    return Scriptorium.get(spark).digitize(new DigitizeOptions(List.of(input.toUri().toString()), null, null, warehouse,
        "incremental", batchDate, SPOTTING, null));
  }

  private long count(String warehouse, String table) {
    return Scriptorium.get(spark).sql(warehouse, "SELECT count(*) FROM scriptorium." + table).first().getLong(0);
  }
}
