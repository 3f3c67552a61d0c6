package io.scriptorium.pipeline;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.transform;

import io.delta.tables.DeltaTable;
import io.scriptorium.pipeline.ParsedTables.Spec;
import io.scriptorium.pipeline.ReparseSummary.Changes;
import io.scriptorium.pipeline.parse.Block;
import io.scriptorium.pipeline.parse.Box;
import io.scriptorium.pipeline.parse.Cell;
import io.scriptorium.pipeline.parse.Chart;
import io.scriptorium.pipeline.parse.Field;
import io.scriptorium.pipeline.parse.Figure;
import io.scriptorium.pipeline.parse.Formula;
import io.scriptorium.pipeline.parse.InlineFormula;
import io.scriptorium.pipeline.parse.OutputParsers;
import io.scriptorium.pipeline.parse.ParseResult;
import io.scriptorium.pipeline.parse.ParseWarning;
import io.scriptorium.pipeline.parse.ParsedDocument;
import io.scriptorium.pipeline.parse.Spot;
import io.scriptorium.pipeline.parse.Table;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Turns raw outputs into the rows of the {@link ParsedTables parsed tables} and replaces an output's rows there.
 *
 * <p>The parsers run in executors ({@code mapPartitions} over raw-output rows), once per output: every output
 * becomes one row holding an array per table, cached while the tables are written.
 *
 * <p><b>Replacing.</b> Each table gets one Delta MERGE, so a reader sees an output's old rows or its new rows, never a
 * mix. Rows are matched on the output key plus their item number; besides its rows, every output sends one marker
 * row carrying its row count, which matches (and deletes) the output's stored rows numbered past that count. Rows
 * whose values are unchanged are left alone, so parsing the same outputs again changes nothing. The MERGE condition
 * names the partitions as literals, so writers of disjoint partitions don't conflict.
 */
final class DerivedTables {
  /** Columns shared by every parsed table, taken from the output; the rest of a table's columns are its records'. */
  private static final List<String> COMMON = List.of("content_sha256", "page_id", "task", "model_revision",
      "prompt_sha256", "parser_version", "run_id", "collection", "batch_date");

  /** What derivation reads of a raw output (plus the page size, for pixel boxes). */
  static final List<String> INPUT = List.of("content_sha256", "page_id", "task", "model_revision", "prompt_sha256",
      "target_language", "ie_fields", "text", "width", "height", "run_id", "collection", "batch_date");

  private static final List<String> OUTPUT_KEY = List.of("collection", "batch_date", "content_sha256", "task",
      "model_revision", "prompt_sha256");

  /** Every table derivation can fill: the parsed tables, then spots. */
  static final List<Spec> EVERY = Stream.concat(ParsedTables.ALL.stream(), Stream.of(ParsedTables.SPOTS)).toList();

  static final StructType DERIVED_SCHEMA = derivedSchema();

  /** Parsed outputs per partition of a MERGE's source. */
  private static final long OUTPUTS_PER_PARTITION = 2_000;


  private final SparkSession spark;
  private final Warehouse warehouse;

  DerivedTables(SparkSession spark, Warehouse warehouse) {
    this.spark = spark;
    this.warehouse = warehouse;
  }

  /** Outputs parsed, what writing did to each table (in the order given), and the table commits made. */
  record Written(long outputs, Map<String, Changes> tables, int commits) {}

  /**
   * Digitize's hook: the parsed rows of a committed chunk's outputs ({@link PartitionInference#RESULT_SCHEMA}); spots
   * are written by {@link #commitSpots} from the lines inference parsed.
   */
  void commit(Dataset<Row> results) {
    Dataset<Row> outputs = results
        .select(col("content_sha256"), col("page_id"), col("model_revision"), col("run_id"), col("collection"),
            col("batch_date"), col("width"), col("height"), explode(col("outputs")).as("o"))
        .select(col("*"), col("o.task"), col("o.prompt_sha256"), col("o.target_language"), col("o.ie_fields"),
            col("o.text"))
        .drop("o");
    write(outputs, ParsedTables.ALL);
  }

  /**
   * Digitize's spots: replaces the lines of a committed chunk's spotting outputs ({@link PartitionInference#RESULT_SCHEMA})
   * with the lines inference parsed (the results' {@code spots}, each tagged with its output's prompt), in one MERGE
   * with the parsed tables' protocol: every spotting output sends its marker, so lines past its new count go in the
   * same commit. {@code partitions} are the chunk's (collection, batch_date) pairs.
   */
  void commitSpots(Dataset<Row> results, List<Row> partitions) {
    Dataset<Row> outputs = results
        .select(col("content_sha256"), col("page_id"), col("model_revision"), col("run_id"), col("collection"),
            col("batch_date"), col("spots"), explode(col("outputs")).as("o"))
        .where(col("o.task").equalTo(lit("spotting")))
        .select(col("*"), col("o.task").as("task"), col("o.prompt_sha256").as("prompt_sha256"))
        .drop("o")
        .dropDuplicates(OUTPUT_KEY.toArray(String[]::new));
    Column lines = transform(
        filter(col("spots"), s -> s.getField("prompt_sha256").eqNullSafe(col("prompt_sha256"))),
        s -> struct(Arrays.stream(recordSchema(ParsedTables.SPOTS).fieldNames()).map(f -> s.getField(f).as(f))
            .toArray(Column[]::new)));
    Dataset<Row> derived = outputs.select(Stream.concat(
        COMMON.stream().map(c -> c.equals("parser_version") ? lit(OutputParsers.PARSER_VERSION).as(c) : col(c)),
        Stream.of(lines.as(ParsedTables.SPOTS.name()))).toArray(Column[]::new));
    merge(ParsedTables.SPOTS, derived, partitions, 0); // the row count only labels the (unused) Changes
  }

  /**
   * Parses the outputs ({@link #INPUT} columns; {@code run_id} is the run to record on changed rows) and replaces
   * their rows in the given tables, one commit per table. Returns the outputs parsed and each table's changes.
   */
  Written write(Dataset<Row> outputs, List<Spec> tables) {
    Dataset<Row> input = outputs.select(columns(INPUT)).dropDuplicates(OUTPUT_KEY.toArray(String[]::new));
    Map<String, Changes> changes = new LinkedHashMap<>();
    tables.forEach(spec -> changes.put(spec.name(), new Changes(0, 0, 0, 0)));
    Dataset<Row> derived = input.mapPartitions(new Deriver(), Encoders.row(DERIVED_SCHEMA))
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      List<Column> sums = new ArrayList<>(List.of(count(lit(1))));
      tables.forEach(spec -> sums.add(sum(greatest(size(col(spec.name())), lit(0))).as(spec.name())));
      List<Row> slices = derived.groupBy("collection", "batch_date", "task")
          .agg(sums.get(0), sums.subList(1, sums.size()).toArray(Column[]::new)).collectAsList();
      long parsed = slices.stream().mapToLong(r -> r.getLong(3)).sum();
      // The MERGEs below scan their source several times; a shuffle's many mostly empty partitions make every scan
      // slow (the cached plan keeps them), so the parsed rows are packed into partitions of a useful size.
      Dataset<Row> packed = derived.coalesce((int) Math.min(Integer.MAX_VALUE, Math.max(1,
          (parsed + OUTPUTS_PER_PARTITION - 1) / OUTPUTS_PER_PARTITION)));
      List<Spec> touched = new ArrayList<>();
      List<Callable<Changes>> merges = new ArrayList<>();
      for (Spec spec : tables) {
        List<Row> forSpec = slices.stream().filter(r -> spec.tasks().contains(r.getString(2))).toList();
        List<Row> partitions = forSpec.stream().map(r -> RowFactory.create(r.get(0), r.get(1))).distinct().toList();
        if (!partitions.isEmpty()) {
          long rows = forSpec.stream().mapToLong(r -> r.isNullAt(r.fieldIndex(spec.name())) ? 0
              : r.getLong(r.fieldIndex(spec.name()))).sum();
          touched.add(spec);
          merges.add(() -> merge(spec, packed.where(col("task").isin(spec.tasks().toArray())), partitions, rows));
        }
      }
      List<Changes> results = Concurrently.run(merges); // different tables: independent Delta logs
      for (int i = 0; i < touched.size(); i++) {
        changes.put(touched.get(i).name(), results.get(i));
      }
      return new Written(parsed, changes, touched.size());
    } finally {
      derived.unpersist();
    }
  }

  private Changes merge(Spec spec, Dataset<Row> derived, List<Row> partitions, long rowCount) {
    List<String> names = Arrays.asList(spec.schema().fieldNames());
    Dataset<Row> rows = derived.select(Stream.concat(COMMON.stream().map(c -> col(c)),
            Stream.of(explode(col(spec.name())).as("r"))).toArray(Column[]::new))
        .select(Stream.concat(COMMON.stream().map(c -> col(c)), Stream.of(col("r.*"))).toArray(Column[]::new))
        .select(columns(names))
        .withColumn("_marker", lit(false))
        .withColumn("_count", lit(null).cast(DataTypes.IntegerType));
    Dataset<Row> markers = derived.select(Stream.concat(
        Stream.concat(spec.outputKeys().stream(), Tables.PARTITION_COLUMNS.stream()).map(c -> col(c)),
        Stream.of(lit(true).as("_marker"), size(col(spec.name())).as("_count"))).toArray(Column[]::new));
    Dataset<Row> source = rows.unionByName(markers, true);

    String condition = partitionPredicate(partitions) + " AND "
        + Stream.concat(Tables.PARTITION_COLUMNS.stream(), spec.outputKeys().stream())
            .map(k -> "t." + k + " <=> s." + k).collect(Collectors.joining(" AND "))
        + (spec.item() == null
            ? " AND (NOT s._marker OR s._count = 0)"
            : " AND ((NOT s._marker AND t." + spec.item() + " = s." + spec.item() + ")"
                + " OR (s._marker AND t." + spec.item() + " >= s._count))");
    String unchanged = spec.payload().stream().map(c -> "t." + c + " <=> s." + c).collect(Collectors.joining(" AND "));
    Map<String, String> values = names.stream().collect(Collectors.toMap(Function.identity(), c -> "s." + c,
        (a, b) -> a, LinkedHashMap::new));

    // Another writer may commit to the same partitions first; the MERGE is idempotent, so it is simply run again.
    Row metrics = DeltaRetry.onConflict("MERGE into " + spec.name(), () -> DeltaTable.forPath(spark,
            warehouse.location(spec.name())).as("t")
        .merge(source.as("s"), condition)
        .whenMatched("s._marker").delete()
        .whenMatched("NOT s._marker AND NOT (" + unchanged + ")").updateExpr(values)
        .whenNotMatched("NOT s._marker").insertExpr(values)
        .execute()
        .first());
    return new Changes(rowCount, metric(metrics, "num_inserted_rows"), metric(metrics, "num_updated_rows"),
        metric(metrics, "num_deleted_rows"));
  }

  private static long metric(Row metrics, String name) {
    Object value = metrics.schema().getFieldIndex(name).isDefined() ? metrics.getAs(name) : null;
    return value instanceof Number n ? n.longValue() : 0L;
  }

  /** {@code (t.collection, t.batch_date) IN (...)} as literals, for file pruning and disjoint-run isolation. */
  private static String partitionPredicate(List<Row> partitions) {
    return "(" + partitions.stream()
        .map(p -> "(" + equalsLiteral("t.collection", p.get(0) == null ? null : "'" + escape(p.getString(0)) + "'")
            + " AND " + equalsLiteral("t.batch_date", p.get(1) == null ? null : "DATE'" + p.getDate(1) + "'") + ")")
        .collect(Collectors.joining(" OR ")) + ")";
  }

  private static String equalsLiteral(String column, String literal) {
    return literal == null ? column + " IS NULL" : column + " = " + literal;
  }

  private static String escape(String value) {
    return value.replace("\\", "\\\\").replace("'", "\\'");
  }

  private static Column[] columns(List<String> names) {
    return names.stream().map(n -> col(n)).toArray(Column[]::new);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Derivation: pure functions from one raw output to the rows of every table.

  /** A table's own columns: those not shared with the output ({@link #COMMON}), in schema order. */
  static StructType recordSchema(Spec spec) {
    return new StructType(Arrays.stream(spec.schema().fields()).filter(f -> !COMMON.contains(f.name()))
        .toArray(StructField[]::new));
  }

  private static StructType derivedSchema() {
    StructType schema = new StructType();
    for (String column : COMMON) {
      schema = schema.add(column, column.equals("batch_date") ? DataTypes.DateType : DataTypes.StringType);
    }
    for (Spec spec : EVERY) {
      schema = schema.add(spec.name(), new ArrayType(recordSchema(spec), false), false);
    }
    return schema;
  }

  /**
   * The rows one raw output gives each table (only its own columns, see {@link #recordSchema}), keyed by table name.
   * Tables the task does not feed get no entry. {@code width} and {@code height} (null when unknown) scale boxes
   * to pixels.
   */
  static Map<String, List<Row>> derive(String task, String targetLanguage, List<String> fields, String text,
      Integer width, Integer height) {
    Map<String, List<Row>> rows = new TreeMap<>();
    List<ParseWarning> warnings;
    switch (task == null ? "" : task) {
      case "spotting" -> {
        ParseResult<Spot> spots = OutputParsers.spotting(text);
        rows.put(Tables.SPOTS, spots.records().stream().map(s -> spotRow(s, width, height)).toList());
        warnings = spots.warnings();
      }
      case "parse" -> warnings = document(OutputParsers.document(text), width, height, rows);
      case "translate" -> {
        String language = targetLanguage;
        warnings = document(OutputParsers.translation(text, language).document(), width, height, rows);
        rows.put(ParsedTables.TRANSLATIONS,
            List.of(RowFactory.create(language, OutputParsers.trimRepetition(text).text().strip())));
      }
      case "table" -> {
        Table table = OutputParsers.table(text);
        rows.put(ParsedTables.TABLES, table.sanitisedHtml().isEmpty() ? List.of() : List.of(tableRow(0, table)));
        warnings = table.warnings();
      }
      case "formula" -> {
        Formula formula = OutputParsers.formula(text);
        rows.put(ParsedTables.FORMULAS, formula.latex().isEmpty() ? List.of() : List.of(formulaRow(0, formula)));
        warnings = formula.warnings();
      }
      case "chart" -> {
        ParseResult<Chart> charts = OutputParsers.chart(text);
        List<Row> blocks = new ArrayList<>();
        for (Chart chart : charts.records()) {
          blocks.add(RowFactory.create(blocks.size(), "chart", 0, chart.body(), seq(List.of())));
        }
        rows.put(ParsedTables.BLOCKS, blocks);
        warnings = charts.warnings();
      }
      case "ie" -> warnings = fields(text, fields != null && fields.size() == 1 ? fields.get(0) : null, rows);
      case "subtitles" -> warnings = OutputParsers.subtitles(text).warnings();
      case "vqa" -> warnings = OutputParsers.vqa(text).warnings();
      default -> {
        return rows; // text, and tasks without a parser: nothing to derive
      }
    }
    List<Row> warningRows = new ArrayList<>();
    for (ParseWarning w : warnings) {
      warningRows.add(RowFactory.create(warningRows.size(), w.code(), w.message()));
    }
    rows.put(ParsedTables.PARSE_WARNINGS, warningRows);
    return rows;
  }

  private static List<ParseWarning> document(ParsedDocument doc, Integer width, Integer height,
      Map<String, List<Row>> rows) {
    rows.put(ParsedTables.BLOCKS, doc.blocks().stream().map(DerivedTables::blockRow).toList());
    List<Row> tables = new ArrayList<>();
    for (Table table : doc.tables()) {
      tables.add(tableRow(tables.size(), table));
    }
    rows.put(ParsedTables.TABLES, tables);
    List<Row> formulas = new ArrayList<>();
    for (Formula formula : doc.formulas()) {
      formulas.add(formulaRow(formulas.size(), formula));
    }
    rows.put(ParsedTables.FORMULAS, formulas);
    List<Row> figures = new ArrayList<>();
    for (Figure figure : doc.figures()) {
      Object[] box = boxes(figure.box(), width, height);
      Object[] values = new Object[3 + box.length];
      values[0] = figures.size();
      values[1] = figure.blockOrder();
      values[2] = figure.caption();
      System.arraycopy(box, 0, values, 3, box.length);
      figures.add(RowFactory.create(values));
    }
    rows.put(ParsedTables.FIGURES, figures);
    return doc.warnings();
  }

  /**
   * Information extraction. A single-key prompt ("Output the value of KEY.") is answered with the bare value, which
   * becomes one field named after the key when the answer holds no JSON object.
   */
  private static List<ParseWarning> fields(String text, String key, Map<String, List<Row>> rows) {
    ParseResult<Field> parsed = OutputParsers.fields(text);
    List<Field> fields = parsed.records();
    List<ParseWarning> warnings = parsed.warnings();
    String answer = OutputParsers.trimRepetition(text).text().strip();
    if (fields.isEmpty() && key != null && !answer.isEmpty()) {
      fields = List.of(new Field(key, answer));
      warnings = warnings.stream().filter(w -> !w.code().equals(ParseWarning.JSON_INVALID)).toList();
    }
    List<Row> fieldRows = new ArrayList<>();
    for (Field field : fields) {
      fieldRows.add(RowFactory.create(fieldRows.size(), field.key(), field.value()));
    }
    rows.put(ParsedTables.FIELDS, fieldRows);
    return warnings;
  }

  private static Row blockRow(Block block) {
    List<Row> inline = new ArrayList<>();
    for (InlineFormula f : block.inlineFormulas()) {
      inline.add(RowFactory.create(f.start(), f.end(), f.latex()));
    }
    return RowFactory.create(block.order(), block.kind().name().toLowerCase(Locale.ROOT), block.headingLevel(),
        block.text(), seq(inline));
  }

  private static Row tableRow(int tableNo, Table table) {
    List<Row> cells = new ArrayList<>();
    for (Cell c : table.cells()) {
      cells.add(RowFactory.create(c.row(), c.col(), c.rowspan(), c.colspan(), c.text()));
    }
    return RowFactory.create(tableNo, table.blockOrder(), table.sanitisedHtml(), table.caption(), table.rows(),
        table.cols(), seq(cells));
  }

  private static Row formulaRow(int formulaNo, Formula f) {
    return RowFactory.create(formulaNo, f.blockOrder(), f.position(), f.display(), f.latex(), f.equationNumber(),
        f.balanced());
  }

  /** Like PartitionInference's spot rows: pixels (when the page size is known), then the grid box. */
  private static Row spotRow(Spot spot, Integer width, Integer height) {
    Object[] box = boxes(spot.box(), width, height);
    Object[] values = new Object[2 + box.length];
    values[0] = spot.lineNo();
    values[1] = spot.text();
    System.arraycopy(box, 0, values, 2, box.length);
    return RowFactory.create(values);
  }

  /** x1, y1, x2, y2 in pixels (null without a box or page size), then norm_x1..norm_y2 (null without a box). */
  private static Object[] boxes(Box grid, Integer width, Integer height) {
    Object[] values = new Object[8];
    if (grid != null) {
      if (width != null && height != null) {
        Box pixels = grid.denormalize(width, height);
        values[0] = pixels.x1();
        values[1] = pixels.y1();
        values[2] = pixels.x2();
        values[3] = pixels.y2();
      }
      values[4] = grid.x1();
      values[5] = grid.y1();
      values[6] = grid.x2();
      values[7] = grid.y2();
    }
    return values;
  }

  private static Object seq(List<?> values) {
    return CollectionConverters.asScala(values).toSeq();
  }

  /** Runs the parsers over raw-output rows ({@link #INPUT}) in an executor: one {@link #DERIVED_SCHEMA} row each. */
  static final class Deriver implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;

    @Override
    public Iterator<Row> call(Iterator<Row> outputs) {
      return new Iterator<>() {
        @Override
        public boolean hasNext() {
          return outputs.hasNext();
        }

        @Override
        public Row next() {
          return derived(outputs.next());
        }
      };
    }

    private static Row derived(Row output) {
      scala.collection.Seq<String> fields = output.getAs("ie_fields");
      Map<String, List<Row>> rows = derive(output.getAs("task"), output.getAs("target_language"),
          fields == null ? null : CollectionConverters.asJava(fields), output.getAs("text"), output.getAs("width"),
          output.getAs("height"));
      Object[] values = new Object[DERIVED_SCHEMA.size()];
      int i = 0;
      for (String column : COMMON) {
        values[i++] = column.equals("parser_version") ? OutputParsers.PARSER_VERSION : output.getAs(column);
      }
      for (Spec spec : EVERY) {
        values[i++] = seq(rows.getOrDefault(spec.name(), List.of()));
      }
      return RowFactory.create(values);
    }
  }

}
