package io.scriptorium.pipeline.warehouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.scriptorium.model.Sha256;
import io.scriptorium.pipeline.Scriptorium;
import io.scriptorium.pipeline.SparkTestSession;
import io.scriptorium.pipeline.infer.PartitionInference;
import io.scriptorium.testing.SparkTest;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Re-inference replaces an output's spot lines exactly: the chunk commit digitize and rerun make ({@link
 * ResultWriter#commit}) leaves the new lines of a re-inferred key and none of its old ones, other keys untouched.
 */
@SparkTest
class ResultWriterSpotsTest {
  private static final String PAGE = Sha256.hex("re-inferred page");
  private static final String OTHER = Sha256.hex("other page");
  private static final String PROMPT = "检测并识别图片中的文字，将文本坐标格式化输出。";
  private static final LocalDate NIGHT = LocalDate.of(2026, 11, 23);

  private final SparkSession spark = SparkTestSession.get();

  @Test
  void fiveThenThreeSpotLinesForOneKeyLeaveThree() throws Exception {
    String warehouse = newWarehouse();
    ResultWriter writer = new ResultWriter(spark, new Warehouse(warehouse));

    writer.commit(results(result(PAGE, "run-1", lines("old", 5)), result(OTHER, "run-1", lines("other", 2))), 2);
    assertThat(spots(warehouse, PAGE)).hasSize(5);

    writer.commit(results(result(PAGE, "run-2", lines("new", 3))), 1); // the same key re-inferred: 3 lines
    assertThat(spots(warehouse, PAGE)).containsExactly(
        tuple(0, "new 0", "run-2"), tuple(1, "new 1", "run-2"), tuple(2, "new 2", "run-2"));
    assertThat(spots(warehouse, OTHER)).containsExactly(tuple(0, "other 0", "run-1"), tuple(1, "other 1", "run-1"));
  }

  // ---------------------------------------------------------------------------------------------------------------

  private static List<String> lines(String prefix, int n) {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      lines.add(prefix + " " + i);
    }
    return lines;
  }

  /** One page's result row ({@link PartitionInference#RESULT_SCHEMA}): a spotting output and its parsed lines. */
  private static Row result(String content, String runId, List<String> lines) {
    StringBuilder text = new StringBuilder();
    List<Row> spots = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      int y = 10 + 20 * i;
      text.append("<ref>").append(lines.get(i)).append("</ref><quad>(10,").append(y).append("),(500,")
          .append(y + 10).append(")</quad>");
      spots.add(RowFactory.create(i, lines.get(i), 10, y * 2, 500, (y + 10) * 2, 10, y, 500, y + 10,
          Sha256.hex(PROMPT)));
    }
    Row output = RowFactory.create("spotting", "zh", PROMPT, Sha256.hex(PROMPT), text.toString(), "stop", 100,
        50, 1.0, 1.0, 1.0, new Timestamp(0), null, null, null); // spotting takes no parameters
    Map<String, Object> v = new HashMap<>();
    v.put("page_id", content.substring(0, 32));
    v.put("source_uri", "file:/archive/" + content.substring(0, 8) + ".png");
    v.put("page_no", 1);
    v.put("format", "png");
    v.put("content_sha256", content);
    v.put("width", 1000);
    v.put("height", 2000);
    v.put("status", "ok");
    v.put("attempts", 0);
    v.put("run_id", runId);
    v.put("processed_at", new Timestamp(0));
    v.put("collection", "letters");
    v.put("batch_date", Date.valueOf(NIGHT));
    v.put("model_id", "hunyuan-ocr");
    v.put("model_revision", "rev-1");
    v.put("attempt", 1);
    v.put("outputs", CollectionConverters.asScala(List.of(output)).toSeq());
    v.put("spots", CollectionConverters.asScala(spots).toSeq());
    StructType schema = PartitionInference.RESULT_SCHEMA;
    return RowFactory.create(Arrays.stream(schema.fieldNames()).map(v::get).toArray());
  }

  private Dataset<Row> results(Row... rows) {
    return spark.createDataFrame(List.of(rows), PartitionInference.RESULT_SCHEMA);
  }

  private List<org.assertj.core.groups.Tuple> spots(String warehouse, String content) {
    List<org.assertj.core.groups.Tuple> tuples = new ArrayList<>();
    for (Row r : Scriptorium.get(spark).sql(warehouse, "SELECT line_no, text, run_id FROM scriptorium.spots"
        + " WHERE content_sha256 = '" + content + "' ORDER BY line_no").collectAsList()) {
      tuples.add(tuple(r.get(0), r.get(1), r.get(2)));
    }
    return tuples;
  }

  /** A fresh warehouse, registered in the catalog (see ReparseTest#newWarehouse). */
  private String newWarehouse() throws Exception {
    if (spark.catalog().databaseExists(Tables.NAMESPACE)) {
      for (org.apache.spark.sql.catalog.Table t : spark.catalog().listTables(Tables.NAMESPACE).collectAsList()) {
        spark.sql(("VIEW".equals(t.tableType()) ? "DROP VIEW " : "DROP TABLE ") + Tables.NAMESPACE + "." + t.name());
      }
    }
    String warehouse = SparkTestSession.newDirectory("warehouse-spots-").toUri().toString();
    Scriptorium.get(spark).open(warehouse);
    return warehouse;
  }
}
