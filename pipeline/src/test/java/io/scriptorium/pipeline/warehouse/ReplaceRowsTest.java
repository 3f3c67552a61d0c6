package io.scriptorium.pipeline.warehouse;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.scriptorium.pipeline.SparkTestSession;
import io.scriptorium.testing.SparkTest;
import java.sql.Date;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The one replace-rows writer on real Delta tables, a NULL batch date included. */
@SparkTest
class ReplaceRowsTest {
  private static final StructType KEYED = new StructType().add("collection", DataTypes.StringType)
      .add("batch_date", DataTypes.DateType).add("k", DataTypes.StringType).add("v", DataTypes.StringType)
      .add("run_id", DataTypes.StringType);
  private static final StructType NUMBERED = new StructType().add("collection", DataTypes.StringType)
      .add("batch_date", DataTypes.DateType).add("k", DataTypes.StringType).add("item", DataTypes.IntegerType)
      .add("v", DataTypes.StringType).add("run_id", DataTypes.StringType);
  private static final Date NIGHT = Date.valueOf("2026-11-23");

  private final SparkSession spark = SparkTestSession.get();

  @Test
  void upsertingAgainInANullBatchDateUpdatesInsteadOfDuplicating() {
    Warehouse warehouse = new Warehouse(SparkTestSession.newDirectory("replace-upsert-").toUri().toString());
    create(warehouse, "keyed", KEYED);
    ReplaceRows writer = new ReplaceRows(spark, warehouse);
    List<Row> partitions = List.of(RowFactory.create("letters", null), RowFactory.create("letters", NIGHT));

    writer.upsert("keyed", rows(KEYED, row("letters", null, "a", "1", "r1"), row("letters", NIGHT, "a", "1", "r1")),
        partitions, List.of("k"));
    writer.upsert("keyed", rows(KEYED, row("letters", null, "a", "2", "r2")), partitions, List.of("k"));

    assertThat(read(warehouse, "keyed", "batch_date", "v", "run_id")).containsExactlyInAnyOrder(
        tuple(null, "2", "r2"), tuple(NIGHT, "1", "r1"));
  }

  @Test
  void replacingLeavesExactlyTheNewRowsAndKeepsUnchangedOnes() {
    Warehouse warehouse = new Warehouse(SparkTestSession.newDirectory("replace-items-").toUri().toString());
    create(warehouse, "numbered", NUMBERED);
    ReplaceRows writer = new ReplaceRows(spark, warehouse);

    replace(writer, "r1", "x", "y", "z");
    ReplaceRows.Merged merged = replace(writer, "r2", "x", "Y");

    assertThat(merged).isEqualTo(new ReplaceRows.Merged(0, 1, 1));
    assertThat(read(warehouse, "numbered", "item", "v", "run_id"))
        .containsExactlyInAnyOrder(tuple(0, "x", "r1"), tuple(1, "Y", "r2"));
    assertThat(replace(writer, "r3")).isEqualTo(new ReplaceRows.Merged(0, 0, 2)); // no rows now: none left
    assertThat(read(warehouse, "numbered", "item")).isEmpty();
  }

  /** Output "a" of the NULL-dated partition now has {@code values} as its rows 0, 1, ... */
  private ReplaceRows.Merged replace(ReplaceRows writer, String runId, String... values) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      rows.add(row("letters", null, "a", i, values[i], runId));
    }
    Dataset<Row> outputs = spark.createDataFrame(List.of(RowFactory.create("letters", null, "a", values.length)),
        new StructType().add("collection", DataTypes.StringType).add("batch_date", DataTypes.DateType)
            .add("k", DataTypes.StringType).add("n", DataTypes.IntegerType));
    return writer.replace("numbered", rows(NUMBERED, rows.toArray(Row[]::new)), outputs, col("n"),
        List.of(RowFactory.create("letters", null)), List.of("k"), "item");
  }

  private void create(Warehouse warehouse, String table, StructType schema) {
    spark.createDataFrame(List.of(), schema).write().format("delta").partitionBy("collection", "batch_date")
        .save(warehouse.location(table));
  }

  private Dataset<Row> rows(StructType schema, Row... rows) {
    return spark.createDataFrame(Arrays.asList(rows), schema);
  }

  private static Row row(Object... values) {
    return RowFactory.create(values);
  }

  private List<org.assertj.core.groups.Tuple> read(Warehouse warehouse, String table, String... columns) {
    List<org.assertj.core.groups.Tuple> tuples = new ArrayList<>();
    for (Row r : spark.read().format("delta").load(warehouse.location(table)).selectExpr(columns).collectAsList()) {
      Object[] values = new Object[r.length()];
      for (int i = 0; i < values.length; i++) {
        values[i] = r.get(i);
      }
      tuples.add(tuple(values));
    }
    return tuples;
  }
}
