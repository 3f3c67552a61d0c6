package io.scriptorium.pipeline.warehouse;

import static io.scriptorium.pipeline.warehouse.Tables.col;
import static io.scriptorium.pipeline.warehouse.Tables.schema;
import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.StringType;

import io.scriptorium.pipeline.derive.DerivedRows;
import io.scriptorium.pipeline.derive.DerivedTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The parsed tables: what the parsers make of each raw output, one table per kind of record, with column comments.
 *
 * <p>Every row is keyed like the raw output it comes from, (content_sha256, task, model_revision, prompt_sha256), plus
 * its position among that output's records (the table's {@link Spec#item item column}), and lives in the raw output's
 * (collection, batch_date) partition. {@link DerivedTables} fills them; {@link Warehouse#ensureTables} creates them.
 * Each table's own columns are those of its {@link io.scriptorium.pipeline.derive.DerivedRow} record, in order.
 */
public final class ParsedTables {
  /** Table, the item column numbering an output's rows (null: one row per output), and the tasks that feed it. */
  public record Spec(String name, StructType schema, String item, List<String> outputKeys, Set<String> tasks) {}

  static final String BLOCKS = DerivedTable.BLOCKS.tableName();
  static final String TABLES = DerivedTable.TABLES.tableName();
  static final String FORMULAS = DerivedTable.FORMULAS.tableName();
  static final String FIGURES = DerivedTable.FIGURES.tableName();
  static final String FIELDS = DerivedTable.FIELDS.tableName();
  static final String TRANSLATIONS = DerivedTable.TRANSLATIONS.tableName();
  static final String PARSE_WARNINGS = DerivedTable.PARSE_WARNINGS.tableName();

  static final List<String> OUTPUT_KEYS = List.of("content_sha256", "task", "model_revision", "prompt_sha256");

  static final StructType INLINE_FORMULA = new StructType()
      .add("start", IntegerType).add("end", IntegerType).add("latex", StringType);

  static final StructType CELL = new StructType()
      .add("row", IntegerType).add("col", IntegerType).add("rowspan", IntegerType).add("colspan", IntegerType)
      .add("text", StringType);

  static final StructType BLOCKS_SCHEMA = schema(
      col("block_no", IntegerType, "0-based position of the block in reading order"),
      col("kind", StringType, "heading, paragraph, list_item, table, display_formula, figure, chart or code"),
      col("heading_level", IntegerType, "1..6 for headings, 0 otherwise"),
      col("text", StringType, "Content without Markdown syntax: a table as sanitised HTML, a display formula as LaTeX, "
          + "a figure as its caption, a chart as its Mermaid or Markdown source; inline formulas kept with delimiters"),
      col("inline_formulas", DataTypes.createArrayType(INLINE_FORMULA, false),
          "Formulas inside text: [start, end) offsets of the delimited formula in text, and its LaTeX"));

  static final StructType TABLES_SCHEMA = schema(
      col("table_no", IntegerType, "0-based position among the output's tables"),
      col("block_no", IntegerType, "block_no of the table's block in blocks (0 for a table-task answer)"),
      col("html", StringType, "The table as sanitised HTML: table, caption, thead, tbody, tfoot, tr, td, th and text "
          + "only, no attribute but colspan/rowspan; empty when the answer held no table"),
      col("caption", StringType, "Text of the table's <caption>; null when none"),
      col("row_count", IntegerType, "Rows of the table"),
      col("col_count", IntegerType, "Columns of the table's slot grid"),
      col("cells", DataTypes.createArrayType(CELL, false),
          "Cells in document order: 0-based row and col of the top-left slot (after earlier spans, as a browser "
              + "lays them out), rowspan, colspan, and text with markup dropped"));

  static final StructType FORMULAS_SCHEMA = schema(
      col("formula_no", IntegerType, "0-based position among the output's formulas, in reading order"),
      col("block_no", IntegerType, "block_no of the block holding the formula (0 for a formula-task answer)"),
      col("position", IntegerType, "0-based index among the formulas of that block"),
      col("display", BooleanType, "True for display math ($$, \\[, environments, formula-task answers), false for inline"),
      col("latex", StringType, "The LaTeX, trimmed, delimiters and equation number removed"),
      col("equation_number", StringType, "Number from \\tag{..}, a trailing \\quad (n) or a (n) line; null when none"),
      col("balanced", BooleanType, "Whether braces, environments and \\left/\\right pair up"));

  static final StructType FIGURES_SCHEMA = schema(
      col("figure_no", IntegerType, "0-based position among the output's figures"),
      col("block_no", IntegerType, "block_no of the figure's block in blocks"),
      col("caption", StringType, "Caption from <pFig>..</pFig>, trimmed; null for an uncaptioned figure"),
      col("x1", IntegerType, "Left edge in source pixels; null without a box or a known page size"),
      col("y1", IntegerType, "Top edge in source pixels"),
      col("x2", IntegerType, "Right edge in source pixels"),
      col("y2", IntegerType, "Bottom edge in source pixels"),
      col("norm_x1", IntegerType, "Left edge on the model's 0-1000 grid; null when the output gave no box"),
      col("norm_y1", IntegerType, "Top edge on the model's 0-1000 grid"),
      col("norm_x2", IntegerType, "Right edge on the model's 0-1000 grid"),
      col("norm_y2", IntegerType, "Bottom edge on the model's 0-1000 grid"));

  static final StructType FIELDS_SCHEMA = schema(
      col("field_no", IntegerType, "0-based position of the member in the answer's JSON object"),
      col("key", StringType, "Field name as the model wrote it (single-key prompts: the key asked for)"),
      col("value", StringType, "String values as is, numbers and booleans as their literal, objects and arrays as "
          + "compact JSON; null for JSON null"));

  static final StructType TRANSLATIONS_SCHEMA = schema(
      col("target_language", StringType, "Language the prompt asked for: en or zh, else the language name in the "
          + "prompt; null when the prompt does not say"),
      col("text", StringType, "The translated text, looping tail trimmed; its blocks, tables, formulas and figures "
          + "are in those tables under task translate"));

  static final StructType PARSE_WARNINGS_SCHEMA = schema(
      col("warning_no", IntegerType, "0-based position among the output's warnings"),
      col("code", StringType, "Stable code: empty_output, repetition_trimmed, truncated, unbalanced_latex, "
          + "malformed_box, box_clamped, missing_box, html_sanitised, span_clipped, no_table, json_invalid, "
          + "extra_text, unknown_markup, malformed_markup, too_many_warnings"),
      col("message", StringType, "What was found and what the parser did about it (wording may change)"));

  /** The tasks feeding each table are those whose derivation fills it ({@link DerivedRows#tasksFeeding}). */
  public static final List<Spec> ALL = List.of(
      spec(DerivedTable.BLOCKS, BLOCKS_SCHEMA, "block_no"),
      spec(DerivedTable.TABLES, TABLES_SCHEMA, "table_no"),
      spec(DerivedTable.FORMULAS, FORMULAS_SCHEMA, "formula_no"),
      spec(DerivedTable.FIGURES, FIGURES_SCHEMA, "figure_no"),
      spec(DerivedTable.FIELDS, FIELDS_SCHEMA, "field_no"),
      spec(DerivedTable.TRANSLATIONS, TRANSLATIONS_SCHEMA, null),
      spec(DerivedTable.PARSE_WARNINGS, PARSE_WARNINGS_SCHEMA, "warning_no"));

  /**
   * The lead's {@code spots} table, which the spotting parser also fills: digitize writes it at inference, and
   * reparse rewrites it like the tables above.
   */
  static final Spec SPOTS = new Spec(Tables.SPOTS, Tables.SPOTS_SCHEMA, "line_no",
      List.of("content_sha256", "model_revision", "prompt_sha256"), DerivedRows.tasksFeeding(DerivedTable.SPOTS));

  private ParsedTables() {}

  /** Creates the missing parsed tables (partitioned like raw_outputs) and registers them in the catalog. */
  static void ensure(SparkSession spark, Warehouse warehouse) {
    for (Spec spec : ALL) {
      warehouse.ensureTable(spark, spec.name(), spec.schema(), true);
    }
  }

  private static Spec spec(DerivedTable table, StructType specific, String item) {
    List<StructField> fields = new ArrayList<>();
    fields.add(col("content_sha256", StringType, "Content of the page the output is for (see raw_outputs)"));
    fields.add(col("page_id", StringType, "Page that was inferred (see raw_outputs)"));
    fields.add(col("task", StringType, "Task of the raw output the row was parsed from"));
    fields.add(col("model_revision", StringType, "Model revision that produced the output"));
    fields.add(col("prompt_sha256", StringType, "Prompt that produced the output"));
    fields.addAll(List.of(specific.fields()));
    fields.add(col("parser_version", StringType, "Version of the parsers that made the row (PARSER_VERSION)"));
    fields.add(col("run_id", StringType, "Run that last wrote the row: the digitize or rerun that made the output, "
        + "or the reparse that changed the row"));
    fields.add(col("collection", StringType, "Collection (partition column)"));
    fields.add(col("batch_date", DateType, "Batch date (partition column)"));
    return new Spec(table.tableName(), new StructType(fields.toArray(StructField[]::new)), item, OUTPUT_KEYS,
        DerivedRows.tasksFeeding(table));
  }

}
