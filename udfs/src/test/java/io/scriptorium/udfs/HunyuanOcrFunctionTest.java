package io.scriptorium.udfs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** hunyuan_ocr over the binaryFile source with the tiny model: struct results, NULL for bad rows, never a failure. */
class HunyuanOcrFunctionTest {
  private final SparkSession spark = TestSessions.get();
  private final TestWarehouse warehouse = TestWarehouse.get();

  private String files(String glob) {
    return "binaryFile.`" + warehouse.input.toUri() + glob + "`";
  }

  @Test
  void runsTheModelOnImageBytes() {
    List<Row> rows = spark.sql("SELECT path, r.text, r.finish_reason FROM (SELECT path,"
        + " hunyuan_ocr(content, 'spotting') AS r FROM " + files("b-invoice.png") + ")").collectAsList();
    assertThat(rows).hasSize(1);
    assertThat(rows.get(0).getString(1)).isNotNull();
    assertThat(rows.get(0).getString(2)).isIn("stop", "length", "repetition");
    assertThat(spark.sql("SELECT hunyuan_ocr(content, 'ie', map('fields', 'date, total')).finish_reason FROM "
        + files("b-invoice.png")).first().getString(0)).isIn("stop", "length", "repetition");
    assertThat(spark.sql("SELECT hunyuan_ocr(X'00', 'text') AS r").schema().simpleString())
        .isEqualTo("struct<r:struct<text:string,finish_reason:string>>");
  }

  @Test
  void badRowsGiveNull() {
    assertThat(spark.sql("SELECT hunyuan_ocr(content, 'text') FROM " + files("d-broken.png")).first().get(0)).isNull();
    assertThat(spark.sql("SELECT hunyuan_ocr(X'00010203', 'text')").first().get(0)).isNull();
    assertThat(spark.sql("SELECT hunyuan_ocr(X'', 'text')").first().get(0)).isNull();
    assertThat(spark.sql("SELECT hunyuan_ocr(CAST(NULL AS BINARY), 'text')").first().get(0)).isNull();
    assertThat(spark.sql("SELECT hunyuan_ocr('not bytes', 'text')").first().get(0)).isNull();
    String image = "(SELECT content FROM " + files("c-chapter.png") + ")";
    assertThat(spark.sql("SELECT hunyuan_ocr(content, 'sing') FROM " + image).first().get(0)).isNull();
    assertThat(spark.sql("SELECT hunyuan_ocr(content, NULL) FROM " + image).first().get(0)).isNull();
    assertThat(spark.sql("SELECT hunyuan_ocr(content, 'ie') FROM " + image).first().get(0)).isNull(); // no fields
    assertThat(spark.sql("SELECT hunyuan_ocr(content, 'text', map('colour', 'red')) FROM " + image).first().get(0))
        .isNull();
    assertThat(spark.sql("SELECT hunyuan_ocr(content, 'text', map('question', 'why?')) FROM " + image).first().get(0))
        .isNull(); // text takes no question
    assertThat(spark.sql("SELECT hunyuan_ocr(content, 'text', 'not a map') FROM " + image).first().get(0)).isNull();
  }
}
