package io.scriptorium.pipeline.warehouse;

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

import io.scriptorium.model.Task;
import io.scriptorium.pipeline.ReparseSummary.Changes;
import io.scriptorium.pipeline.derive.DerivedRows;
import io.scriptorium.pipeline.derive.TaskParameters;
import io.scriptorium.pipeline.derive.TaskRegistry;
import io.scriptorium.pipeline.infer.PartitionInference;
import io.scriptorium.pipeline.parse.OutputParsers;
import io.scriptorium.pipeline.warehouse.ParsedTables.Spec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
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
 * Writes the rows the parsers make of raw outputs to the {@link ParsedTables parsed tables} and {@code spots}: the
 * Spark side of derivation, which itself is Spark-free ({@link TaskRegistry} parses, {@link DerivedRows} makes the
 * rows).
 *
 * <p>The parsers run in executors ({@code mapPartitions} over raw-output rows), once per output: every output
 * becomes one row holding an array per table, cached while the tables are written. Each table then gets one
 * {@link ReplaceRows#replace} MERGE, so a reader sees an output's old rows or its new rows, never a mix, and parsing
 * the same outputs again changes nothing.
 */
public final class DerivedTables {
  /** Columns shared by every parsed table, taken from the output; the rest of a table's columns are its records'. */
  private static final List<String> COMMON = List.of("content_sha256", "page_id", "task", "model_revision",
      "prompt_sha256", "parser_version", "run_id", "collection", "batch_date");

  /** What derivation reads of a raw output (plus the page size, for pixel boxes). */
  static final List<String> INPUT = List.of("content_sha256", "page_id", "task", "model_revision", "prompt_sha256",
      "target_language", "ie_fields", "text", "width", "height", "run_id", "collection", "batch_date");

  private static final List<String> OUTPUT_KEY = List.of("collection", "batch_date", "content_sha256", "task",
      "model_revision", "prompt_sha256");

  /** Every table derivation can fill: the parsed tables, then spots. */
  public static final List<Spec> EVERY =
      Stream.concat(ParsedTables.ALL.stream(), Stream.of(ParsedTables.SPOTS)).toList();

  static final StructType DERIVED_SCHEMA = derivedSchema();

  /** Parsed outputs per partition of a MERGE's source. */
  private static final long OUTPUTS_PER_PARTITION = 2_000;


  private final SparkSession spark;
  private final Warehouse warehouse;

  public DerivedTables(SparkSession spark, Warehouse warehouse) {
    this.spark = spark;
    this.warehouse = warehouse;
  }

  /** Outputs parsed, what writing did to each table (in the order given), and the table commits made. */
  public record Written(long outputs, Map<String, Changes> tables, int commits) {}

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
   * with the lines inference parsed (the results' {@code spots}, made by {@link DerivedRows#spotRows} like reparse's,
   * each tagged with its output's prompt), in one MERGE like the parsed tables': every spotting output sends its
   * marker, so lines past its new count go in the same commit. {@code partitions} are the chunk's (collection,
   * batch_date) pairs.
   */
  void commitSpots(Dataset<Row> results, List<Row> partitions) {
    Dataset<Row> outputs = results
        .select(col("content_sha256"), col("page_id"), col("model_revision"), col("run_id"), col("collection"),
            col("batch_date"), col("spots"), explode(col("outputs")).as("o"))
        .where(col("o.task").equalTo(lit(Task.SPOTTING.key())))
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
  public Written write(Dataset<Row> outputs, List<Spec> tables) {
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
    Dataset<Row> rows = derived.select(Stream.concat(COMMON.stream().map(c -> col(c)),
            Stream.of(explode(col(spec.name())).as("r"))).toArray(Column[]::new))
        .select(Stream.concat(COMMON.stream().map(c -> col(c)), Stream.of(col("r.*"))).toArray(Column[]::new))
        .select(columns(Arrays.asList(spec.schema().fieldNames())));
    ReplaceRows.Merged merged = new ReplaceRows(spark, warehouse).replace(spec.name(), rows, derived,
        size(col(spec.name())), partitions, spec.outputKeys(), spec.item());
    return new Changes(rowCount, merged.inserted(), merged.updated(), merged.deleted());
  }

  private static Column[] columns(List<String> names) {
    return names.stream().map(n -> col(n)).toArray(Column[]::new);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Derivation, as Spark rows.

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
   * The rows one raw output gives each table (only its own columns, see {@link #recordSchema}), keyed by table name:
   * {@link DerivedRows} as Spark rows. Tables the task does not feed get no entry, nor does a task name that is none.
   * {@code width} and {@code height} (null when unknown) scale boxes to pixels.
   */
  static Map<String, List<Row>> derive(String task, String targetLanguage, List<String> fields, String text,
      Integer width, Integer height) {
    Map<String, List<Row>> rows = new TreeMap<>();
    TaskRegistry.byKey(task).ifPresent(known -> DerivedRows.of(
            TaskRegistry.parse(known, text, new TaskParameters(targetLanguage, fields)), width, height)
        .forEach((table, records) -> rows.put(table.tableName(), records.stream()
            .map(r -> RecordRows.of((Record) r)).toList())));
    return rows;
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
