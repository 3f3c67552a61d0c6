package io.scriptorium.pipeline;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import io.delta.tables.DeltaTable;
import io.scriptorium.model.ModelInfo;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * The {@code runs} table: a row written as {@code running} when a run starts and updated when it ends,
 * so a run whose driver died stays visible as {@code running} with no end time.
 */
final class RunLog {
  private static final Gson GSON = new GsonBuilder().serializeNulls().disableHtmlEscaping().create();

  private final SparkSession spark;
  private final Warehouse warehouse;
  private Row startRow;

  RunLog(SparkSession spark, Warehouse warehouse) {
    this.spark = spark;
    this.warehouse = warehouse;
  }

  static String toJson(Map<String, Object> values) {
    return GSON.toJson(values);
  }

  void started(String runId, String command, String arguments, String collection, LocalDate batchDate, ModelInfo model) {
    startRow = RowFactory.create(
        runId, command, arguments, collection, batchDate == null ? null : Date.valueOf(batchDate),
        model == null ? null : model.modelId(), model == null ? null : model.revision(),
        model == null ? null : model.bundleSha256(), "running", now(), null,
        null, null, null, null, null, null, null);
    spark.createDataFrame(List.of(startRow), Tables.RUNS_SCHEMA)
        .write().format("delta").mode("append").save(warehouse.location(Tables.RUNS));
  }

  void finished(RunSummary summary, String error) {
    upsert(RowFactory.create(
        summary.runId(), startRow.get(1), startRow.get(2), startRow.get(3), startRow.get(4), startRow.get(5),
        startRow.get(6), startRow.get(7), summary.status(), startRow.get(9), now(),
        summary.inputFiles(), summary.pagesTotal(), summary.pagesOk(), summary.pagesFailed(), summary.outputs(),
        summary.pagesPerSecond(), error));
  }

  void failed(String runId, double seconds, Throwable cause) {
    try {
      upsert(RowFactory.create(
          runId, startRow.get(1), startRow.get(2), startRow.get(3), startRow.get(4), startRow.get(5),
          startRow.get(6), startRow.get(7), "failed", startRow.get(9), now(),
          null, null, null, null, null, null, describe(cause)));
    } catch (RuntimeException e) {
      cause.addSuppressed(e); // the run's own failure is what the user needs to see
    }
  }

  private void upsert(Row row) {
    DeltaTable.forPath(spark, warehouse.location(Tables.RUNS)).as("r")
        .merge(spark.createDataFrame(List.of(row), Tables.RUNS_SCHEMA).as("u"), "r.run_id = u.run_id")
        .whenMatched().updateAll()
        .whenNotMatched().insertAll()
        .execute();
  }

  private static String describe(Throwable error) {
    StringBuilder text = new StringBuilder();
    for (Throwable t = error; t != null && text.length() < 4000; t = t.getCause()) {
      if (text.length() > 0) {
        text.append(" <- caused by: ");
      }
      text.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage());
    }
    return text.toString();
  }

  private static Timestamp now() {
    return new Timestamp(System.currentTimeMillis());
  }
}
