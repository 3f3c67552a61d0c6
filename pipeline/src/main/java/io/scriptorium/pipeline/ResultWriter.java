package io.scriptorium.pipeline;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;

import io.delta.tables.DeltaTable;
import io.scriptorium.pipeline.parse.OutputParsers;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * Commits one chunk of page results with Delta MERGE, so writing the same results twice leaves the same
 * rows. Outputs are keyed by (content, task, model revision, prompt); pages by (collection, batch date,
 * page). Each MERGE names the chunk's partitions as literals, so runs over disjoint partitions don't conflict.
 *
 * <p>Order matters for a run killed mid-chunk: spots and the parsed tables, then raw outputs (what planning
 * checks to skip work), then pages. A page without its outputs is simply redone; outputs never miss their
 * spots or parsed rows.
 */
final class ResultWriter {
  private final SparkSession spark;
  private final Warehouse warehouse;

  ResultWriter(SparkSession spark, Warehouse warehouse) {
    this.spark = spark;
    this.warehouse = warehouse;
  }

  /** Writes a chunk's result rows ({@link PartitionInference#RESULT_SCHEMA}) to every table. */
  void commit(Dataset<Row> results) {
    List<Row> partitions = results.select("collection", "batch_date").distinct().collectAsList();
    if (partitions.isEmpty()) {
      return;
    }
    String inPartitions = partitionPredicate(partitions);
    merge(Tables.SPOTS, spots(results), inPartitions,
        List.of("content_sha256", "model_revision", "prompt_sha256", "line_no"));
    new DerivedTables(spark, warehouse).commit(results); // #4 hook: parsed tables, before the outputs they come from
    merge(Tables.RAW_OUTPUTS, rawOutputs(results), inPartitions,
        List.of("content_sha256", "task", "model_revision", "prompt_sha256"));
    merge(Tables.PAGES, results.select(columns(Tables.PAGES_SCHEMA)), inPartitions, List.of("page_id"));
  }

  private void merge(String table, Dataset<Row> rows, String inPartitions, List<String> keys) {
    String condition = inPartitions.replace("$", "t") + " AND "
        + "t.collection = s.collection AND t.batch_date = s.batch_date AND "
        + keys.stream().map(k -> "t." + k + " <=> s." + k).collect(Collectors.joining(" AND "));
    DeltaTable.forPath(spark, warehouse.location(table)).as("t")
        .merge(rows.dropDuplicates(keys.toArray(String[]::new)).as("s"), condition)
        .whenMatched().updateAll()
        .whenNotMatched().insertAll()
        .execute();
  }

  static Dataset<Row> rawOutputs(Dataset<Row> results) {
    return results
        .select(col("content_sha256"), col("page_id"), col("model_id"), col("model_revision"), col("bundle_sha256"),
            col("generation"), col("device"), col("executor_id"), col("run_id"), col("attempt"), col("collection"),
            col("batch_date"), explode(col("outputs")).as("o"))
        .select(col("*"), col("o.*"))
        .drop("o")
        .select(columns(Tables.RAW_OUTPUTS_SCHEMA));
  }

  static Dataset<Row> spots(Dataset<Row> results) {
    return results
        .select(col("content_sha256"), col("page_id"), col("model_revision"), col("run_id"), col("collection"),
            col("batch_date"), explode(col("spots")).as("s"))
        .select(col("*"), col("s.*"))
        .drop("s")
        .withColumn("parser_version", lit(OutputParsers.PARSER_VERSION))
        .select(columns(Tables.SPOTS_SCHEMA));
  }

  /** {@code ($.collection, $.batch_date) IN (...)} with literals, {@code $} standing for the table alias. */
  private static String partitionPredicate(List<Row> partitions) {
    return "(" + partitions.stream()
        .map(p -> "($.collection = " + literal(p.getString(0)) + " AND $.batch_date = DATE'" + p.getDate(1) + "')")
        .collect(Collectors.joining(" OR ")) + ")";
  }

  private static String literal(String value) {
    return value == null ? "NULL" : "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  static Column[] columns(StructType schema) {
    return Arrays.stream(schema.fieldNames()).map(name -> col(name)).toArray(Column[]::new);
  }
}
