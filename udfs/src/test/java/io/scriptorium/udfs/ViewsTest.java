package io.scriptorium.udfs;

import static org.assertj.core.api.Assertions.assertThat;

import io.scriptorium.pipeline.vocab.PageStatus;
import io.scriptorium.pipeline.vocab.RunState;
import io.scriptorium.testing.SparkTest;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** The warehouse views over a warehouse written by the pipeline; page_text agrees with ocr_page_text. */
@SparkTest
class ViewsTest {
  private final SparkSession spark = TestSessions.get();
  private final TestWarehouse warehouse = TestWarehouse.get();

  @Test
  void pageTextJoinsCurrentSpotsInTheReadingOrderOfOcrPageText() {
    Map<String, String> view = spark.sql("SELECT page_id, text FROM scriptorium.page_text").collectAsList().stream()
        .collect(Collectors.toMap(r -> r.getString(0), r -> r.getString(1)));
    Map<String, String> function = spark.sql("SELECT page_id,"
            + " ocr_page_text(collect_list(struct(line_no, text, x1, y1, x2, y2))) FROM scriptorium.current_spots"
            + " GROUP BY page_id").collectAsList().stream()
        .collect(Collectors.toMap(r -> r.getString(0), r -> r.getString(1)));
    assertThat(view).isEqualTo(function);
    assertThat(view.get(warehouse.hostilePageId)).contains(TestWarehouse.HOSTILE_SPOT);
    Row page = spark.sql("SELECT source_uri, page_no, lines, collection FROM scriptorium.page_text WHERE page_id = '"
        + warehouse.hostilePageId + "'").first();
    assertThat(page.getString(0)).endsWith("a-magenta.png");
    assertThat(page.getInt(1)).isEqualTo(1);
    assertThat(page.getInt(2)).isPositive();
    assertThat(page.getString(3)).isEqualTo("tests");
  }

  @Test
  void failuresListStillBrokenPagesWithTheirReason() {
    List<Row> failures = spark.sql("SELECT source_uri, status, error_class, error_message FROM scriptorium.failures")
        .collectAsList();
    assertThat(failures).hasSize(1);
    assertThat(failures.get(0).getString(0)).endsWith("d-broken.png");
    assertThat(failures.get(0).getString(1)).isEqualTo(PageStatus.FAILED.wireName());
    assertThat(failures.get(0).getString(2)).isNotBlank();
    assertThat(failures.get(0).getString(3)).contains("d-broken.png");
  }

  @Test
  void runSummaryCountsTheRun() {
    Row run = spark.sql("SELECT status, pages_total, pages_ok, pages_failed, duration_s, outputs, output_tokens,"
        + " tokens_per_second, failures_by_class, length_hits + repetitions + empty_outputs <= outputs"
        + " FROM scriptorium.run_summary WHERE run_id = '" + warehouse.run.runId() + "'").first();
    assertThat(run.getString(0)).isEqualTo(RunState.SUCCEEDED.wireName());
    assertThat(run.getLong(1)).isEqualTo(4);
    assertThat(run.getLong(2)).isEqualTo(3);
    assertThat(run.getLong(3)).isEqualTo(1);
    assertThat(run.getDouble(4)).isPositive();
    assertThat(run.getLong(5)).isEqualTo(6); // 3 ok pages x (spotting, parse)
    assertThat(run.getLong(6)).isPositive();
    assertThat(run.getDouble(7)).isPositive();
    assertThat(run.<String, Long>getJavaMap(8)).hasSize(1).containsValue(1L);
    assertThat(run.getBoolean(9)).isTrue();
  }

  @Test
  void viewColumnsCarryComments() {
    for (String view : List.of("page_text", "failures", "run_summary")) {
      List<Row> columns = spark.sql("DESCRIBE scriptorium." + view).collectAsList();
      assertThat(columns).as(view).isNotEmpty().allSatisfy(c -> assertThat(c.getString(2)).as(c.getString(0)).isNotBlank());
    }
  }
}
