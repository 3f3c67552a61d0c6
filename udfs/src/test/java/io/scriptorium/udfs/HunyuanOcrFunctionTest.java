package io.scriptorium.udfs;

import static org.assertj.core.api.Assertions.assertThat;

import io.scriptorium.testing.SparkTest;
import java.util.List;
import io.scriptorium.pipeline.FaultyFileSystem;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** hunyuan_ocr over the binaryFile source with the tiny model: struct results, NULL for bad rows, never a failure. */
@SparkTest
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

  /**
   * The model is placed as digitize places it (#15): a bundle given as a Hadoop-FS URI (not only a local directory)
   * is fetched into the node's cache, and loaded once per executor, whatever the queries and runs that use it.
   */
  @Test
  void aBundleUriIsPlacedAsDigitizePlacesIt() throws Exception {
    java.nio.file.Path bundle = io.scriptorium.pipeline.TinyBundleFiles.writeTo(
        java.nio.file.Files.createTempDirectory("hunyuan-ocr-bundle-uri-"));
    spark.sparkContext().hadoopConfiguration().set("fs.faulty.impl", FaultyFileSystem.class.getName());
    spark.sparkContext().hadoopConfiguration().set("fs.faulty.impl.disable.cache", "true");
    spark.conf().set(io.scriptorium.pipeline.ScriptoriumConf.MODEL, FaultyFileSystem.uri(bundle));
    try {
      String query = "SELECT hunyuan_ocr(content, 'spotting').text FROM " + files("b-invoice.png");
      assertThat(spark.sql(query).first().getString(0)).isNotNull();
      int loads = io.scriptorium.model.OcrRuntime.loadCount();
      assertThat(spark.sql(query).first().getString(0)).isNotNull();
      assertThat(io.scriptorium.model.OcrRuntime.loadCount()).as("the second query reuses the runtime").isEqualTo(loads);
    } finally {
      spark.conf().unset(io.scriptorium.pipeline.ScriptoriumConf.MODEL);
    }
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
