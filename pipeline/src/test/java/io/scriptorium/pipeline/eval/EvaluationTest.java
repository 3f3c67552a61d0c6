package io.scriptorium.pipeline.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.scriptorium.pipeline.Scriptorium;
import io.scriptorium.pipeline.SparkTestSession;
import io.scriptorium.testing.DataTest;
import io.scriptorium.testing.SparkTest;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.lang3.StringUtils;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The eval job end to end on a warehouse whose outputs are ground truth (revision r-good) or known perturbations of
 * it (r-bad): per-page and overall rows in the eval table, per revision, with exact values.
 */
@SparkTest
@DataTest
class EvaluationTest {
  private static final String TABLE_PAGE = "PMC1626454_002_00.png";
  private static final String FORMULA_PAGE = "7944775fc9.png";
  private static final String TEXT_PAGE = "phototest.tif";
  private static final String SPOT_PAGE = "notes_1ba14cb325bc448f7201b20502ecf2b5_15.jpg";

  private static SparkSession spark;
  private static String warehouse;
  private static Path data;
  private static Map<String, GroundTruth> truth;
  private static EvalSummary all;

  @BeforeAll
  static void warehouseWithKnownOutputs() throws IOException {
    spark = SparkTestSession.get();
    data = SparkTestSession.sharedData();
    truth = TruthReaders.read(data);
    warehouse = SparkTestSession.newDirectory("eval-").toUri().toString();
    Scriptorium.get(spark).open(warehouse);
    List<Row> pages = new ArrayList<>();
    List<Row> outputs = new ArrayList<>();
    Path table = data.resolve("pubtabnet/images/" + TABLE_PAGE);
    Path formula = data.resolve("im2latex-sample/images/" + FORMULA_PAGE);
    Path text = data.resolve("tesseract-testing/" + TEXT_PAGE);
    Path spot = data.resolve("omnidocbench-demo/images/" + SPOT_PAGE);
    pages.add(page(table, "c-table"));
    pages.add(page(formula, "c-formula"));
    pages.add(page(text, "c-text"));
    pages.add(page(spot, "c-spot"));
    pages.add(page(data.resolve("no-truth-here.png"), "c-none"));

    String tableHtml = truth.get(TABLE_PAGE).tables().get(0);
    String latex = truth.get(FORMULA_PAGE).formulas().get(0);
    String photo = truth.get(TEXT_PAGE).text();
    int[] size = TruthReaders.imageSize(spot);
    GroundTruth notes = truth.get(SPOT_PAGE);
    outputs.add(output("c-table", "table", tableHtml, "r-good"));
    outputs.add(output("c-formula", "formula", latex, "r-good"));
    outputs.add(output("c-text", "text", photo, "r-good"));
    outputs.add(output("c-spot", "spotting", GroundTruthAsOutputTest.spottingAnswer(notes.lines(), size[0], size[1], -1),
        "r-good"));
    outputs.add(output("c-none", "parse", "anything", "r-good"));
    int lastRow = tableHtml.lastIndexOf("<tr>");
    outputs.add(output("c-table", "table",
        tableHtml.substring(0, lastRow) + tableHtml.substring(tableHtml.indexOf("</tr>", lastRow) + 5), "r-bad"));
    outputs.add(output("c-formula", "formula", "", "r-bad"));
    outputs.add(output("c-text", "text", photo.replaceFirst("quick", "quack"), "r-bad"));
    outputs.add(output("c-spot", "spotting", GroundTruthAsOutputTest.spottingAnswer(notes.lines(), size[0], size[1], 0),
        "r-bad"));
    append("pages", pages);
    append("raw_outputs", outputs);
    all = Evaluation.get(spark).run(new EvalOptions(warehouse, data.toString(), null));
  }

  @Test
  void perfectOutputsScorePerfectly() {
    assertThat(all.outputsSelected()).isEqualTo(8); // 4 pages with truth x 2 revisions; the page without truth is not
    assertThat(all.outputsScored()).isEqualTo(8);
    Map<String, Double> good = pageValues(all.evalId(), "r-good");
    assertThat(good).containsEntry("table/teds", 1.0).containsEntry("table/teds_struct", 1.0)
        .containsEntry("formula/formula_ned", 0.0).containsEntry("text/text_ned", 0.0).containsEntry("text/cer", 0.0)
        .containsEntry("spotting/spot_f1", 1.0).containsEntry("spotting/spot_precision", 1.0)
        .containsEntry("spotting/spot_recall", 1.0);
  }

  @Test
  void perturbationsScoreExactly() {
    Map<String, Double> bad = pageValues(all.evalId(), "r-bad");
    String html = truth.get(TABLE_PAGE).tables().get(0);
    int start = html.lastIndexOf("<tr>");
    // OmniDocBench TEDS: elements below its normalised table; the dropped row costs itself and its cells
    int nodes = LibxmlHtml.bodyTable(OmniTableNormaliser.normalise(html)).descendants();
    int lastRow = 1 + StringUtils.countMatches(html.substring(start, html.indexOf("</tr>", start)), "<td");
    assertThat(bad.get("table/teds")).isCloseTo(1 - (double) lastRow / nodes, within(1e-12));
    assertThat(bad.get("formula/formula_ned")).isEqualTo(1.0);
    assertThat(bad.get("text/cer")).isCloseTo(1.0 / TextMetrics.cerNormalise(truth.get(TEXT_PAGE).text()).length(),
        within(1e-12));
    long judged = truth.get(SPOT_PAGE).lines().stream().filter(l -> !l.ignore()).count();
    assertThat(bad.get("spotting/spot_f1")).isCloseTo((judged - 1.0) / judged, within(1e-12));
  }

  @Test
  void overallRowsPerSetAndRevision() {
    List<Row> overall = spark.sql("SELECT truth_set, model_revision, task, metric, value, items FROM scriptorium.eval"
        + " WHERE eval_id = '" + all.evalId() + "' AND scope = 'overall'").collectAsList();
    Map<String, Double> byKey = new HashMap<>();
    for (Row r : overall) {
      byKey.put(r.getString(0) + "/" + r.getString(1) + "/" + r.getString(2) + "/" + r.getString(3), r.getDouble(4));
    }
    assertThat(byKey).containsEntry("*/r-good/table/teds", 1.0).containsEntry("pubtabnet/r-good/table/teds", 1.0)
        .containsEntry("*/r-good/spotting/spot_f1_micro", 1.0).containsEntry("tesseract-testing/r-bad/text/text_ned",
            1.0 / TextMetrics.omniNormalise(truth.get(TEXT_PAGE).text()).length());
    assertThat(all.overall()).isNotEmpty();
  }

  @Test
  void wherePicksTheOutputs() {
    EvalSummary good = Evaluation.get(spark).run(new EvalOptions(warehouse, data.toString(), "model_revision = 'r-good'"));
    assertThat(good.outputsSelected()).isEqualTo(4);
    long revisions = spark.sql("SELECT DISTINCT model_revision FROM scriptorium.eval WHERE eval_id = '"
        + good.evalId() + "'").count();
    assertThat(revisions).isEqualTo(1);
    assertThat(spark.sql("SELECT DISTINCT where_predicate FROM scriptorium.eval WHERE eval_id = '" + good.evalId() + "'")
        .first().getString(0)).isEqualTo("model_revision = 'r-good'");
  }

  private static Map<String, Double> pageValues(String evalId, String revision) {
    Map<String, Double> values = new HashMap<>();
    for (Row r : spark.sql("SELECT task, metric, value FROM scriptorium.eval WHERE eval_id = '" + evalId
        + "' AND scope = 'page' AND model_revision = '" + revision + "'").collectAsList()) {
      values.put(r.getString(0) + "/" + r.getString(1), r.getDouble(2));
    }
    return values;
  }

  private static Row page(Path file, String content) throws IOException {
    int[] size = file.toFile().exists() ? TruthReaders.imageSize(file) : new int[] {100, 100};
    Map<String, Object> v = new HashMap<>();
    v.put("page_id", content + "-page");
    v.put("source_uri", "file:" + file.toAbsolutePath());
    v.put("page_no", 1);
    v.put("format", "png");
    v.put("content_sha256", content);
    v.put("width", size[0]);
    v.put("height", size[1]);
    v.put("status", "ok");
    v.put("attempts", 0);
    v.put("run_id", "run-test");
    v.put("processed_at", new Timestamp(System.currentTimeMillis()));
    v.put("collection", "default");
    v.put("batch_date", Date.valueOf("2026-01-01"));
    return row("pages", v);
  }

  private static Row output(String content, String task, String text, String revision) {
    Map<String, Object> v = new HashMap<>();
    v.put("content_sha256", content);
    v.put("page_id", content + "-page");
    v.put("task", task);
    v.put("prompt_sha256", "prompt-" + task);
    v.put("text", text);
    v.put("finish_reason", "stop");
    v.put("model_id", "test/model");
    v.put("model_revision", revision);
    v.put("bundle_sha256", "bundle-" + revision);
    v.put("run_id", "run-" + revision);
    v.put("created_at", new Timestamp(System.currentTimeMillis()));
    v.put("collection", "default");
    v.put("batch_date", Date.valueOf("2026-01-01"));
    return row("raw_outputs", v);
  }

  private static Row row(String table, Map<String, Object> values) {
    StructType schema = spark.table("scriptorium." + table).schema();
    return RowFactory.create(java.util.Arrays.stream(schema.fieldNames()).map(values::get).toArray());
  }

  private static void append(String table, List<Row> rows) {
    StructType schema = spark.table("scriptorium." + table).schema();
    spark.createDataFrame(rows, schema).write().format("delta").mode("append").save(warehouse + "/" + table);
  }

}
