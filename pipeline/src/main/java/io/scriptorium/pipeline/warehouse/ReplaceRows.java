package io.scriptorium.pipeline.warehouse;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.delta.tables.DeltaMergeBuilder;
import io.delta.tables.DeltaTable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;

/**
 * The one way rows are replaced in the warehouse's partitioned tables: a Delta MERGE by key, confined to the
 * (collection, batch_date) partitions being written, run again by {@link DeltaRetry} when another writer committed
 * first (every MERGE here is idempotent).
 *
 * <p>The condition names the partitions as literals, so Delta prunes files and writers of disjoint partitions don't
 * conflict. Partitions and keys compare NULL-safely ({@code IS NULL}, {@code <=>}): a NULL batch date or key matches
 * itself, so writing the same rows again never duplicates them.
 */
final class ReplaceRows {
  /** What a MERGE did, from Delta's metrics. */
  record Merged(long inserted, long updated, long deleted) {}

  private final SparkSession spark;
  private final Warehouse warehouse;

  ReplaceRows(SparkSession spark, Warehouse warehouse) {
    this.spark = spark;
    this.warehouse = warehouse;
  }

  /** Each source row (the table's columns) replaces the stored row with its {@code keys}, or is inserted. */
  Merged upsert(String table, Dataset<Row> rows, List<Row> partitions, List<String> keys) {
    return merge(table, rows, partitions, keys, "",
        m -> m.whenMatched().updateAll().whenNotMatched().insertAll());
  }

  /**
   * Replaces each output's rows exactly, in one commit. Rows are matched on the output key plus their {@code item}
   * number; besides its rows, every output sends one marker carrying its row count, which matches (and deletes) the
   * output's stored rows numbered past that count, so an output with fewer rows than before, or none, leaves no old
   * ones. Rows whose values (all but keys, item and {@code run_id}) are unchanged are left alone, keeping the run
   * that made them, so replacing with the same rows changes nothing.
   *
   * @param rows the new rows, in the table's columns
   * @param outputs one row per output, with its {@code outputKeys} and partition columns
   * @param count an output's row count now, over {@code outputs}
   * @param item the column numbering an output's rows; null when an output has at most one row
   */
  Merged replace(String table, Dataset<Row> rows, Dataset<Row> outputs, Column count, List<Row> partitions,
      List<String> outputKeys, String item) {
    List<String> columns = Arrays.asList(rows.columns());
    Dataset<Row> markers = outputs.select(Stream.concat(
        Stream.concat(outputKeys.stream(), Tables.PARTITION_COLUMNS.stream()).map(c -> col(c)),
        Stream.of(lit(true).as("_marker"), count.as("_count"))).toArray(Column[]::new));
    Dataset<Row> source = rows
        .withColumn("_marker", lit(false))
        .withColumn("_count", lit(null).cast(DataTypes.IntegerType))
        .unionByName(markers, true);
    String items = item == null
        ? " AND (NOT s._marker OR s._count = 0)"
        : " AND ((NOT s._marker AND t." + item + " = s." + item + ") OR (s._marker AND t." + item + " >= s._count))";
    List<String> payload = new ArrayList<>(columns);
    payload.removeAll(outputKeys);
    payload.removeAll(Tables.PARTITION_COLUMNS);
    payload.removeAll(Arrays.asList(item, "run_id"));
    String unchanged = payload.stream().map(c -> "t." + c + " <=> s." + c).collect(Collectors.joining(" AND "));
    Map<String, String> values = columns.stream().collect(Collectors.toMap(Function.identity(), c -> "s." + c,
        (a, b) -> a, LinkedHashMap::new));
    return merge(table, source, partitions, outputKeys, items, m -> m
        .whenMatched("s._marker").delete()
        .whenMatched("NOT s._marker AND NOT (" + unchanged + ")").updateExpr(values)
        .whenNotMatched("NOT s._marker").insertExpr(values));
  }

  private Merged merge(String table, Dataset<Row> source, List<Row> partitions, List<String> keys, String more,
      UnaryOperator<DeltaMergeBuilder> clauses) {
    String condition = partitionPredicate(partitions) + " AND "
        + Stream.concat(Tables.PARTITION_COLUMNS.stream(), keys.stream())
            .map(k -> "t." + k + " <=> s." + k).collect(Collectors.joining(" AND "))
        + more;
    Row metrics = DeltaRetry.onConflict("MERGE into " + table, () -> clauses.apply(
            DeltaTable.forPath(spark, warehouse.location(table)).as("t").merge(source.as("s"), condition))
        .execute()
        .first());
    return new Merged(metric(metrics, "num_inserted_rows"), metric(metrics, "num_updated_rows"),
        metric(metrics, "num_deleted_rows"));
  }

  private static long metric(Row metrics, String name) {
    Object value = metrics.schema().getFieldIndex(name).isDefined() ? metrics.getAs(name) : null;
    return value instanceof Number n ? n.longValue() : 0L;
  }

  /**
   * {@code (t.collection, t.batch_date) IN (...)} over (collection, batch_date) rows, as literals and NULL-safe: the
   * one partition predicate of every MERGE.
   */
  static String partitionPredicate(List<Row> partitions) {
    return "(" + partitions.stream()
        .map(p -> "(" + equalsLiteral("t.collection", p.isNullAt(0) ? null : "'" + escape(p.getString(0)) + "'")
            + " AND " + equalsLiteral("t.batch_date", p.isNullAt(1) ? null : "DATE'" + p.getDate(1) + "'") + ")")
        .collect(Collectors.joining(" OR ")) + ")";
  }

  private static String equalsLiteral(String column, String literal) {
    return literal == null ? column + " IS NULL" : column + " = " + literal;
  }

  private static String escape(String value) {
    return value.replace("\\", "\\\\").replace("'", "\\'");
  }
}
