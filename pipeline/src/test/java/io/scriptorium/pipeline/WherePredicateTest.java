package io.scriptorium.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.scriptorium.model.Task;
import io.scriptorium.model.TaskSpec;
import io.scriptorium.pipeline.report.PageReport;
import io.scriptorium.testing.SparkTest;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every {@code --where} reaches Spark as a predicate (#15): {@code true}, a boolean expression and a subquery select
 * what they say in report, reparse, rerun and requeue (pasted into SQL text, {@code pages WHERE (true)} was read as
 * a table alias with a column list and failed with ASSIGNMENT_ARITY_MISMATCH).
 */
@SparkTest
class WherePredicateTest {
  private static final List<TaskSpec> SPOTTING = List.of(TaskSpec.of(Task.SPOTTING));
  private static final String SUBQUERY =
      "source_uri IN (SELECT source_uri FROM scriptorium.pages WHERE source_uri LIKE '%/first.png')";

  private static final SparkSession spark = SparkTestSession.get();
  private static final Scriptorium scriptorium = Scriptorium.get(spark);
  private static String warehouse;

  @BeforeAll
  static void twoPages() throws Exception {
    Path input = SparkTestSession.newDirectory("where-");
    TestPages.write(input, "first.png", "where first");
    TestPages.write(input, "second.png", "where second");
    warehouse = SparkTestSession.newDirectory("warehouse-where-").toUri().toString();
    scriptorium.digitize(new DigitizeOptions(List.of(input.toUri().toString()), null, null, warehouse, "where",
        LocalDate.of(2026, 12, 5), SPOTTING, null));
  }

  @Test
  void report() {
    assertThat(report("true")).isEqualTo(2);
    assertThat(report("status = 'ok' AND page_no = 1")).isEqualTo(2);
    assertThat(report("pages.status <> 'ok'")).isZero();
    assertThat(report(SUBQUERY)).isEqualTo(1);
  }

  @Test
  void reparse() {
    assertThat(scriptorium.reparse(warehouse, "true").outputs()).isEqualTo(2);
    assertThat(scriptorium.reparse(warehouse, "raw_outputs.task = 'spotting' AND output_tokens >= 0").outputs())
        .isEqualTo(2);
    assertThat(scriptorium.reparse(warehouse, "content_sha256 IN (SELECT content_sha256 FROM scriptorium.pages"
        + " WHERE source_uri LIKE '%/first.png')").outputs()).isEqualTo(1);
  }

  @Test
  void requeue() {
    scriptorium.sql(warehouse, "UPDATE scriptorium.pages SET status = 'quarantined', attempts = 3");
    assertThat(scriptorium.requeue(warehouse, SUBQUERY)).isEqualTo(1);
    assertThat(scriptorium.requeue(warehouse, "page_no = 1 AND attempts = 3")).isEqualTo(1);
    assertThat(scriptorium.requeue(warehouse, "true")).as("nothing quarantined is left").isZero();
    assertThat(scriptorium.sql(warehouse, "SELECT count(*) FROM scriptorium.pages WHERE status = 'failed'"
        + " AND attempts = 0").first().getLong(0)).isEqualTo(2);
    scriptorium.sql(warehouse, "UPDATE scriptorium.pages SET status = 'ok', attempts = 0");
  }

  @Test
  void rerun() {
    RunSummary run = scriptorium.rerun(new RerunOptions(warehouse, SUBQUERY, SPOTTING, null, null));
    assertThat(run.pagesTotal()).isEqualTo(1);
    assertThat(scriptorium.rerun(new RerunOptions(warehouse, "true", SPOTTING, null, null)).pagesTotal()).isEqualTo(2);
  }

  private int report(String where) {
    return PageReport.write(spark, warehouse, where, SparkTestSession.newDirectory("report-"), 10).pages();
  }
}
