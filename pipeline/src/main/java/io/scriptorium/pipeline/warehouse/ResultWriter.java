package io.scriptorium.pipeline.warehouse;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;

import io.scriptorium.pipeline.infer.PartitionInference;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * Commits one chunk of page results with {@link ReplaceRows} MERGEs, so writing the same results twice leaves the same
 * rows. Outputs are keyed by (content, task, model revision, prompt); pages by (collection, batch date,
 * page). Each MERGE is confined to the chunk's partitions, so runs over disjoint partitions don't conflict.
 *
 * <p>Spots are written like the parsed tables ({@link DerivedTables#commitSpots}): an output's lines are replaced
 * exactly, so re-inference with fewer lines leaves none of the old ones past the new count.
 *
 * <p>Order matters for a run killed mid-chunk: spots and the parsed tables, then raw outputs (what planning
 * checks to skip work), then pages. A page without its outputs is simply redone; outputs never miss their
 * spots or parsed rows.
 */
public final class ResultWriter {
  private final SparkSession spark;
  private final Warehouse warehouse;

  public ResultWriter(SparkSession spark, Warehouse warehouse) {
    this.spark = spark;
    this.warehouse = warehouse;
  }

  /**
   * Writes a chunk's result rows ({@link PartitionInference#RESULT_SCHEMA}, one per page) to every table; returns the
   * seconds each step took (for the run's log).
   */
  public Map<String, Double> commit(Dataset<Row> results, long pages) {
    Map<String, Double> seconds = Collections.synchronizedMap(new LinkedHashMap<>());
    List<Row> partitions = results.select("collection", "batch_date").distinct().collectAsList();
    if (partitions.isEmpty()) {
      return seconds;
    }
    int sourcePartitions = (int) Math.max(1, Math.min(Integer.MAX_VALUE, (pages + 999) / 1000));
    // Spots and the parsed tables are independent tables, so they are written side by side (#4 hook: the parsed
    // tables come before the outputs they are parsed from).
    Concurrently.run(List.<Callable<Void>>of(
        () -> timed(seconds, Tables.SPOTS,
            () -> new DerivedTables(spark, warehouse).commitSpots(results.coalesce(sourcePartitions), partitions)),
        () -> timed(seconds, "parsed tables", () -> new DerivedTables(spark, warehouse).commit(results))));
    timed(seconds, Tables.RAW_OUTPUTS, () -> upsert(Tables.RAW_OUTPUTS, rawOutputs(results), partitions,
        sourcePartitions, List.of("content_sha256", "task", "model_revision", "prompt_sha256")));
    timed(seconds, Tables.PAGES, () -> upsert(Tables.PAGES, results.select(columns(Tables.PAGES_SCHEMA)), partitions,
        sourcePartitions, List.of("page_id")));
    return seconds;
  }

  private static Void timed(Map<String, Double> seconds, String step, Runnable action) {
    long start = System.nanoTime();
    action.run();
    seconds.put(step, (System.nanoTime() - start) / 1e9);
    return null;
  }

  /** One upsert; the deduplicated source is packed into {@code packed} partitions (a shuffle's are mostly empty). */
  private void upsert(String table, Dataset<Row> rows, List<Row> partitions, int packed, List<String> keys) {
    new ReplaceRows(spark, warehouse).upsert(table, rows.dropDuplicates(keys.toArray(String[]::new)).coalesce(packed),
        partitions, keys);
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

  public static Column[] columns(StructType schema) {
    return Arrays.stream(schema.fieldNames()).map(name -> col(name)).toArray(Column[]::new);
  }
}
