package io.scriptorium.pipeline.warehouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.scriptorium.pipeline.ReparseTest;
import io.scriptorium.pipeline.Scriptorium;
import io.scriptorium.pipeline.SparkTestSession;
import io.scriptorium.testing.SparkTest;
import java.sql.Date;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * Raw outputs written before task parameters were recorded get them once, when an older warehouse is opened: the
 * columns are added and filled from the prompts those releases rendered.
 */
@SparkTest
class TaskParametersMigrationTest {
  private static final List<String> ADDED = List.of("target_language", "ie_fields", "question");
  private final SparkSession spark = SparkTestSession.get();

  @Test
  void anOlderWarehouseGetsTheParametersOfItsTranslateAndSingleKeyOutputs() throws Exception {
    String warehouse = SparkTestSession.newDirectory("warehouse-migration-").toUri().toString();
    StructType older = new StructType(Arrays.stream(Tables.RAW_OUTPUTS_SCHEMA.fields())
        .filter(f -> !ADDED.contains(f.name())).toArray(StructField[]::new));
    List<Row> rows = new ArrayList<>();
    rows.add(row(older, "a", "translate", "First extract the text, then translate the text content into English."));
    rows.add(row(older, "b", "translate", "先提取文字，再将文字内容翻译为中文。若是文档，则其中页眉、页脚忽略。"));
    rows.add(row(older, "c", "ie", "输出总金额的值。"));
    rows.add(row(older, "d", "ie", "Output the value of Total."));
    rows.add(row(older, "e", "ie", ReparseTest.IE_PROMPT));
    rows.add(row(older, "f", "text", "提取图中的文字。"));
    spark.createDataFrame(rows, older).write().format("delta").partitionBy("collection", "batch_date")
        .save(new Warehouse(warehouse).location(Tables.RAW_OUTPUTS));

    List<Row> migrated = Scriptorium.get(spark).sql(warehouse, "SELECT content_sha256, target_language,"
        + " array_join(ie_fields, '|'), question FROM scriptorium.raw_outputs ORDER BY content_sha256").collectAsList();
    assertThat(migrated).extracting(r -> r.getString(0), r -> r.getString(1), r -> r.getString(2), r -> r.getString(3))
        .containsExactly(
            tuple("a", "en", null, null),
            tuple("b", "zh", null, null),
            tuple("c", null, "总金额", null),
            tuple("d", null, "Total", null),
            tuple("e", null, null, null), // several fields: their list was never needed to parse the answer
            tuple("f", null, null, null));
  }

  private static Row row(StructType schema, String content, String task, String prompt) {
    Object[] values = new Object[schema.size()];
    values[schema.fieldIndex("content_sha256")] = content;
    values[schema.fieldIndex("task")] = task;
    values[schema.fieldIndex("prompt")] = prompt;
    values[schema.fieldIndex("text")] = "";
    values[schema.fieldIndex("collection")] = "old";
    values[schema.fieldIndex("batch_date")] = Date.valueOf("2026-11-01");
    return RowFactory.create(values);
  }
}
