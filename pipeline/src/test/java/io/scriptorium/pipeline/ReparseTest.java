package io.scriptorium.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.scriptorium.model.Sha256;
import io.scriptorium.model.Task;
import io.scriptorium.model.TaskSpec;
import io.scriptorium.pipeline.parse.OutputParsers;
import io.scriptorium.pipeline.vocab.RunState;
import io.scriptorium.pipeline.warehouse.Tables;
import io.scriptorium.pipeline.warehouse.Warehouse;
import io.scriptorium.testing.SparkTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The parsed tables hold what the parsers make of known raw outputs (literal samples from hunyuanocr.md §2); reparse
 * replaces exactly the selected outputs' rows, and changes nothing when run again; digitize fills them at commit.
 */
@SparkTest
public class ReparseTest {
  /** §2.2 samples as one page: heading, paragraph with inline math, table with colspans, \tag formula, figure. */
  public static final String PARSE_PAGE = String.join("\n\n",
      "## 3.2.2. Multiple resolution support",
      "LAB VALUES: May decrease total free thyroxine ($ T_{1} $) serum levels...",
      "<table><caption>Table 1 | Multi resolution support of DeepEncoder. ...</caption><tr><td></td>"
          + "<td colspan=\"4\">Native Resolution</td><td colspan=\"2\">Dynamic Resolution</td></tr>"
          + "<tr><td>Mode</td><td>Tiny</td>...</table>",
      "$$ N_{valid}=\\lceil N_{actual}\\times[1-((max(w,h)-min(w,h))/(max(w,h)))] \\rceil \\tag{1} $$",
      "<pFig>Figure 4 | To test model performance under different compression ratios ... multiple resolution "
          + "modes.</pFig><quad>(108,56),(875,240)</quad>");
  static final String LATEX = "N_{valid}=\\lceil N_{actual}\\times[1-((max(w,h)-min(w,h))/(max(w,h)))] \\rceil";
  static final String CAPTION = "Figure 4 | To test model performance under different compression ratios ... "
      + "multiple resolution modes.";
  /** §2.4, the README's taxi receipt. */
  public static final String IE_TAXI = "{\"单价\": \"3.00\", \"上车时间\": \"09:01\", \"发票号码\": \"42609332\", "
      + "\"省前缀\": \"陕\", \"总金额\": \"￥77.10元\", \"发票代码\": \"161002018100\", \"下车时间\": \"09:51\", "
      + "\"里程数\": \"26.1km\"}";
  public static final String IE_PROMPT = "提取图片中的: ['单价', '上车时间', '发票号码', '省前缀', '总金额', '发票代码', "
      + "'下车时间', '里程数'] 的字段内容，并按照JSON格式返回。";
  /** A translate answer follows the document conventions (§2.5): Markdown with LaTeX; §2.2's inline sample. */
  public static final String TRANSLATION = "## Exercise 11\n\n11.$ x\\geq - 1 $ and $ x\\ne 0 $";
  static final String TRANSLATE_PROMPT = "先提取文字，再将文字内容翻译为英文。若是文档，则其中页眉、页脚忽略。"
      + "公式用latex格式表示，表格用html格式表示。";

  static final String PAGE = Sha256.hex("parse page");
  static final String RECEIPT = Sha256.hex("taxi receipt");
  static final String LETTER = Sha256.hex("letter");
  static final LocalDate NIGHT_1 = LocalDate.of(2026, 11, 23);
  static final LocalDate NIGHT_2 = LocalDate.of(2026, 11, 24);
  static final List<String> DERIVED = List.of("blocks", "tables", "formulas", "figures", "fields", "translations",
      "parse_warnings", "spots");

  private final SparkSession spark = SparkTestSession.get();

  @Test
  void knownOutputsGiveTheirRows() throws Exception {
    String warehouse = newWarehouse();
    insertPage(warehouse, PAGE, 1000, 2000, NIGHT_1);
    insertOutputs(warehouse, NIGHT_1);

    ReparseSummary run = Scriptorium.get(spark).reparse(warehouse, "true");
    assertThat(run.outputs()).isEqualTo(4);
    String v = OutputParsers.PARSER_VERSION;
    String id = run.runId();

    assertThat(rows(warehouse, "SELECT block_no, kind, heading_level, text, size(inline_formulas), parser_version,"
        + " run_id FROM scriptorium.blocks WHERE task = 'parse' ORDER BY block_no")).containsExactly(
        tuple(0, "heading", 2, "3.2.2. Multiple resolution support", 0, v, id),
        tuple(1, "paragraph", 0, "LAB VALUES: May decrease total free thyroxine ($ T_{1} $) serum levels...", 1, v, id),
        tuple(2, "table", 0, TABLE_HTML, 0, v, id),
        tuple(3, "display_formula", 0, LATEX, 0, v, id),
        tuple(4, "figure", 0, CAPTION, 0, v, id));
    assertThat(rows(warehouse, "SELECT inline_formulas[0].start, inline_formulas[0].end, inline_formulas[0].latex"
        + " FROM scriptorium.blocks WHERE block_no = 1 AND task = 'parse'"))
        .containsExactly(tuple(47, 56, "T_{1}"));

    assertThat(rows(warehouse, "SELECT table_no, block_no, html, caption, row_count, col_count, parser_version"
        + " FROM scriptorium.tables")).containsExactly(
        tuple(0, 2, TABLE_HTML, "Table 1 | Multi resolution support of DeepEncoder. ...", 2, 7, v));
    assertThat(rows(warehouse, "SELECT c.row, c.col, c.rowspan, c.colspan, c.text"
        + " FROM scriptorium.tables LATERAL VIEW posexplode(cells) AS pos, c ORDER BY pos")).containsExactly(
        tuple(0, 0, 1, 1, ""), tuple(0, 1, 1, 4, "Native Resolution"), tuple(0, 5, 1, 2, "Dynamic Resolution"),
        tuple(1, 0, 1, 1, "Mode"), tuple(1, 1, 1, 1, "Tiny"));

    assertThat(rows(warehouse, "SELECT task, formula_no, block_no, position, display, latex, equation_number, balanced,"
        + " parser_version FROM scriptorium.formulas ORDER BY task, formula_no")).containsExactly(
        tuple("parse", 0, 1, 0, false, "T_{1}", null, true, v),
        tuple("parse", 1, 3, 0, true, LATEX, "1", true, v),
        tuple("translate", 0, 1, 0, false, "x\\geq - 1", null, true, v),
        tuple("translate", 1, 1, 1, false, "x\\ne 0", null, true, v));

    // Boxes on the grid and, with the page's 1000x2000 size from pages, in pixels.
    assertThat(rows(warehouse, "SELECT figure_no, block_no, caption, x1, y1, x2, y2, norm_x1, norm_y1, norm_x2,"
        + " norm_y2, parser_version FROM scriptorium.figures")).containsExactly(
        tuple(0, 4, CAPTION, 108, 112, 875, 480, 108, 56, 875, 240, v));

    assertThat(rows(warehouse, "SELECT prompt_sha256, field_no, key, value, parser_version FROM scriptorium.fields"
        + " ORDER BY prompt_sha256 = '" + Sha256.hex(IE_PROMPT) + "' DESC, field_no")).containsExactly(
        tuple(Sha256.hex(IE_PROMPT), 0, "单价", "3.00", v),
        tuple(Sha256.hex(IE_PROMPT), 1, "上车时间", "09:01", v),
        tuple(Sha256.hex(IE_PROMPT), 2, "发票号码", "42609332", v),
        tuple(Sha256.hex(IE_PROMPT), 3, "省前缀", "陕", v),
        tuple(Sha256.hex(IE_PROMPT), 4, "总金额", "￥77.10元", v),
        tuple(Sha256.hex(IE_PROMPT), 5, "发票代码", "161002018100", v),
        tuple(Sha256.hex(IE_PROMPT), 6, "下车时间", "09:51", v),
        tuple(Sha256.hex(IE_PROMPT), 7, "里程数", "26.1km", v),
        tuple(Sha256.hex("输出总金额的值。"), 0, "总金额", "￥77.10元", v)); // a single-key answer is a bare value

    assertThat(rows(warehouse, "SELECT content_sha256, target_language, text, parser_version, run_id"
        + " FROM scriptorium.translations")).containsExactly(tuple(LETTER, "en", TRANSLATION, v, id));
    assertThat(rows(warehouse, "SELECT block_no, kind, text FROM scriptorium.blocks WHERE task = 'translate'"
        + " ORDER BY block_no")).containsExactly(
        tuple(0, "heading", "Exercise 11"), tuple(1, "paragraph", "11.$ x\\geq - 1 $ and $ x\\ne 0 $"));

    assertThat(rows(warehouse, "SELECT task, warning_no, code, parser_version FROM scriptorium.parse_warnings"))
        .containsExactly(tuple("parse", 0, "extra_text", v)); // the "..." between the sample's cells

    // Every row carries its output's key and partition.
    for (String table : DERIVED.subList(0, 7)) {
      assertThat(rows(warehouse, "SELECT DISTINCT model_revision, collection, batch_date FROM scriptorium." + table))
          .as(table).containsExactly(tuple("rev-1", "letters", Date.valueOf(NIGHT_1)));
    }
    assertThat(rows(warehouse, "SELECT command, status, outputs, model_revision, arguments LIKE '%\"where\":\"true\"%'"
        + " FROM scriptorium.runs WHERE run_id = '" + id + "'")).containsExactly(
        tuple("reparse", RunState.SUCCEEDED.wireName(), 4L, null, true));

    // The predicate is over raw_outputs, subqueries included; the same outputs again change nothing.
    ReparseSummary receipts = Scriptorium.get(spark).reparse(warehouse,
        "content_sha256 IN (SELECT content_sha256 FROM scriptorium.raw_outputs WHERE task = 'ie')");
    assertThat(receipts.outputs()).isEqualTo(2);
    assertThat(receipts.changed()).isZero();
    assertThat(receipts.tables().get("fields").rows()).isEqualTo(9);
  }

  @Test
  void reparseReplacesOnlyTheSelectedPartitionsRowsAndAgainChangesNothing() throws Exception {
    String warehouse = newWarehouse();
    for (LocalDate night : List.of(NIGHT_1, NIGHT_2)) { // the same outputs in two partitions
      insertPage(warehouse, PAGE, 1000, 2000, night);
      insertOutputs(warehouse, night);
    }
    ReparseSummary first = Scriptorium.get(spark).reparse(warehouse, "true");
    assertThat(first.outputs()).isEqualTo(8);
    Map<String, List<String>> pristine = snapshot(warehouse);

    // Damage both partitions alike: a changed row, a stray row, a missing row, a row from an older parser.
    sql(warehouse, "UPDATE scriptorium.blocks SET text = 'stale' WHERE task = 'parse' AND block_no = 0");
    sql(warehouse, "INSERT INTO scriptorium.blocks SELECT content_sha256, page_id, task, model_revision, prompt_sha256,"
        + " 99, kind, heading_level, 'stray', inline_formulas, parser_version, 'old-run', collection, batch_date"
        + " FROM scriptorium.blocks WHERE task = 'parse' AND block_no = 1");
    sql(warehouse, "DELETE FROM scriptorium.fields WHERE field_no = 1");
    sql(warehouse, "UPDATE scriptorium.formulas SET parser_version = '0.9.0' WHERE formula_no = 0");
    Map<String, List<String>> damaged = snapshot(warehouse);

    ReparseSummary second = Scriptorium.get(spark).reparse(warehouse, "batch_date = DATE'2026-11-23'");
    assertThat(second.outputs()).isEqualTo(4);
    Map<String, List<String>> after = snapshot(warehouse);

    for (String table : DERIVED) {
      // The other partition is exactly as it was, damage included.
      assertThat(in(after.get(table), NIGHT_2)).as(table).isEqualTo(in(damaged.get(table), NIGHT_2));
      // The selected one is as parsed, every value and version; only the repaired rows name the new run.
      assertThat(withoutRun(in(after.get(table), NIGHT_1)))
          .as(table).isEqualTo(withoutRun(in(pristine.get(table), NIGHT_1)));
    }
    assertThat(rows(warehouse, "SELECT block_no, run_id FROM scriptorium.blocks WHERE task = 'parse'"
        + " AND batch_date = DATE'2026-11-23' ORDER BY block_no")).containsExactly(
        tuple(0, second.runId()), tuple(1, first.runId()), tuple(2, first.runId()), tuple(3, first.runId()),
        tuple(4, first.runId()));
    assertThat(second.tables().get("blocks")).isEqualTo(new ReparseSummary.Changes(7, 0, 1, 1));
    assertThat(second.tables().get("fields")).isEqualTo(new ReparseSummary.Changes(9, 1, 0, 0));
    assertThat(second.tables().get("formulas")).isEqualTo(new ReparseSummary.Changes(4, 0, 2, 0));
    assertThat(second.changed()).isEqualTo(5);

    ReparseSummary third = Scriptorium.get(spark).reparse(warehouse, "batch_date = DATE'2026-11-23'");
    assertThat(third.changed()).isZero();
    assertThat(snapshot(warehouse)).isEqualTo(after);
  }

  @Test
  void digitizeWritesParsedRowsAtCommitAndReparseAgrees() throws Exception {
    Path input = SparkTestSession.newDirectory("reparse-input-");
    Files.write(input.resolve("one.png"), TestPages.png("Chapter one"));
    Files.write(input.resolve("two.png"), TestPages.png("Chapter two"));
    String warehouse = newWarehouse();
    RunSummary digitized = Scriptorium.get(spark).digitize(new DigitizeOptions(List.of(input.toUri().toString()), null,
        null, warehouse, "letters", NIGHT_1, List.of(TaskSpec.of(Task.SPOTTING), TaskSpec.of(Task.PARSE)), null));
    assertThat(digitized.pagesOk()).isEqualTo(2);
    assertThat(digitized.outputs()).isEqualTo(4);

    // Each parse output (gibberish from the tiny twin) has blocks or warnings, written by the digitize run.
    Dataset<Row> parsed = Scriptorium.get(spark).sql(warehouse,
        "SELECT o.content_sha256, count(b.block_no) + count(w.warning_no) AS derived"
            + " FROM scriptorium.raw_outputs o"
            + " LEFT JOIN scriptorium.blocks b ON b.content_sha256 = o.content_sha256 AND b.task = o.task"
            + " AND b.run_id = '" + digitized.runId() + "'"
            + " LEFT JOIN scriptorium.parse_warnings w ON w.content_sha256 = o.content_sha256 AND w.task = o.task"
            + " AND w.run_id = '" + digitized.runId() + "'"
            + " WHERE o.task = 'parse' GROUP BY o.content_sha256");
    assertThat(parsed.collectAsList()).hasSize(2).allSatisfy(row -> assertThat(row.getLong(1)).isPositive());
    assertThat(rows(warehouse, "SELECT DISTINCT parser_version FROM scriptorium.blocks"
        + " UNION SELECT DISTINCT parser_version FROM scriptorium.parse_warnings"))
        .containsExactly(tuple(OutputParsers.PARSER_VERSION));

    // Re-parsing what digitize parsed, spots included, finds nothing to change.
    Map<String, List<String>> before = snapshot(warehouse);
    ReparseSummary reparse = Scriptorium.get(spark).reparse(warehouse, "true");
    assertThat(reparse.outputs()).isEqualTo(4);
    assertThat(reparse.tables().get("spots").rows()).isEqualTo(count(warehouse, "spots"));
    assertThat(reparse.changed()).isZero();
    assertThat(snapshot(warehouse)).isEqualTo(before);
  }

  // ---------------------------------------------------------------------------------------------------------------

  public static final String TABLE_HTML = "<table><caption>Table 1 | Multi resolution support of DeepEncoder. ...</caption>"
      + "<tbody><tr><td></td><td colspan=\"4\">Native Resolution</td><td colspan=\"2\">Dynamic Resolution</td></tr>"
      + "<tr><td>Mode</td><td>Tiny</td></tr></tbody></table>";

  /**
   * A fresh warehouse, registered in the catalog. The session catalog keeps {@code scriptorium.*} pointing at the first
   * warehouse opened in this JVM ({@code CREATE TABLE IF NOT EXISTS} keeps an existing entry), so the entries are
   * dropped first; the tables are external, their data stays.
   */
  private String newWarehouse() throws Exception {
    if (spark.catalog().databaseExists(Tables.NAMESPACE)) {
      for (org.apache.spark.sql.catalog.Table t : spark.catalog().listTables(Tables.NAMESPACE).collectAsList()) {
        spark.sql(("VIEW".equals(t.tableType()) ? "DROP VIEW " : "DROP TABLE ") + Tables.NAMESPACE + "." + t.name());
      }
    }
    String warehouse = SparkTestSession.newDirectory("warehouse-reparse-").toUri().toString();
    Scriptorium.get(spark).open(warehouse);
    return warehouse;
  }

  private void insertOutputs(String warehouse, LocalDate night) {
    List<Row> rows = List.of(
        output(PAGE, "parse", "提取文档图片中正文的所有信息用markdown格式表示。", PARSE_PAGE, night),
        output(RECEIPT, "ie", IE_PROMPT, IE_TAXI, night),
        output(RECEIPT, "ie", "输出总金额的值。", "￥77.10元", night),
        output(LETTER, "translate", TRANSLATE_PROMPT, TRANSLATION, night));
    append(warehouse, Tables.RAW_OUTPUTS, Tables.RAW_OUTPUTS_SCHEMA, rows);
  }

  private static Row output(String content, String task, String prompt, String text, LocalDate night) {
    Map<String, Object> v = new HashMap<>();
    v.put("content_sha256", content);
    v.put("page_id", content.substring(0, 32));
    v.put("task", task);
    v.put("prompt_language", "zh");
    v.put("prompt", prompt);
    v.put("prompt_sha256", Sha256.hex(prompt));
    v.put("text", text);
    v.put("finish_reason", "stop");
    v.put("model_id", "hunyuan-ocr");
    v.put("model_revision", "rev-1");
    v.put("run_id", "run-inferred");
    v.put("attempt", 1);
    v.put("created_at", Timestamp.valueOf(night.atStartOfDay()));
    v.put("collection", "letters");
    v.put("batch_date", Date.valueOf(night));
    // the parameters as asked, recorded beside the prompts they render
    if (task.equals("translate")) {
      v.put("target_language", "en");
    } else if (prompt.equals("输出总金额的值。")) {
      v.put("ie_fields", List.of("总金额"));
    }
    return row(Tables.RAW_OUTPUTS_SCHEMA, v);
  }

  private void insertPage(String warehouse, String content, int width, int height, LocalDate night) {
    Map<String, Object> v = new HashMap<>();
    v.put("page_id", content.substring(0, 32));
    v.put("source_uri", "file:/archive/" + content.substring(0, 8) + ".png");
    v.put("page_no", 1);
    v.put("content_sha256", content);
    v.put("width", width);
    v.put("height", height);
    v.put("status", "ok");
    v.put("processed_at", Timestamp.valueOf(night.atStartOfDay()));
    v.put("collection", "letters");
    v.put("batch_date", Date.valueOf(night));
    append(warehouse, Tables.PAGES, Tables.PAGES_SCHEMA, List.of(row(Tables.PAGES_SCHEMA, v)));
  }

  private static Row row(StructType schema, Map<String, Object> values) {
    return RowFactory.create(Arrays.stream(schema.fieldNames()).map(values::get).toArray());
  }

  private void append(String warehouse, String table, StructType schema, List<Row> rows) {
    spark.createDataFrame(rows, schema).write().format("delta").mode("append")
        .save(new Warehouse(warehouse).location(table));
  }

  private void sql(String warehouse, String statement) {
    Scriptorium.get(spark).sql(warehouse, statement).collectAsList();
  }

  private long count(String warehouse, String table) {
    return Scriptorium.get(spark).sql(warehouse, "SELECT count(*) FROM scriptorium." + table).first().getLong(0);
  }

  /** The query's rows as AssertJ tuples. */
  private List<org.assertj.core.groups.Tuple> rows(String warehouse, String query) {
    List<org.assertj.core.groups.Tuple> tuples = new ArrayList<>();
    for (Row row : Scriptorium.get(spark).sql(warehouse, query).collectAsList()) {
      Object[] values = new Object[row.size()];
      for (int i = 0; i < row.size(); i++) {
        values[i] = row.get(i);
      }
      tuples.add(tuple(values));
    }
    return tuples;
  }

  /** Every derived table's rows, as sorted strings that name each column. */
  private Map<String, List<String>> snapshot(String warehouse) {
    Map<String, List<String>> tables = new TreeMap<>();
    for (String table : DERIVED) {
      Dataset<Row> rows = Scriptorium.get(spark).sql(warehouse, "SELECT * FROM scriptorium." + table);
      List<String> lines = new ArrayList<>();
      for (Row row : rows.collectAsList()) {
        StringBuilder line = new StringBuilder();
        for (String column : row.schema().fieldNames()) {
          line.append(column).append('=').append((Object) row.getAs(column)).append("; ");
        }
        lines.add(line.toString());
      }
      lines.sort(null);
      tables.put(table, lines);
    }
    return tables;
  }

  private static List<String> in(List<String> rows, LocalDate night) {
    return rows.stream().filter(r -> r.contains("batch_date=" + night + ";")).toList();
  }

  private static List<String> withoutRun(List<String> rows) {
    return rows.stream().map(r -> r.replaceAll("run_id=[^;]*;", "run_id=?;")).sorted().toList();
  }
}
