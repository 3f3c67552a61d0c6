package io.scriptorium.pipeline.run;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;

import io.scriptorium.model.ModelInfo;
import io.scriptorium.pipeline.ReparseSummary;
import io.scriptorium.pipeline.RunSummary;
import io.scriptorium.pipeline.ScriptoriumConf;
import io.scriptorium.pipeline.UserPredicate;
import io.scriptorium.pipeline.parse.OutputParsers;
import io.scriptorium.pipeline.vocab.RunState;
import io.scriptorium.pipeline.warehouse.DerivedTables;
import io.scriptorium.pipeline.warehouse.Ids;
import io.scriptorium.pipeline.warehouse.RunLog;
import io.scriptorium.pipeline.warehouse.Tables;
import io.scriptorium.pipeline.warehouse.Warehouse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code reparse}: runs the current parsers over stored raw outputs and replaces their parsed rows. Loads no model.
 *
 * <p>The predicate is over {@code scriptorium.raw_outputs} columns, so any output can be chosen, including older
 * model revisions that {@code current_outputs} hides; subqueries reach the other tables. Pixel boxes use the page
 * size recorded in {@code pages} for the output's content.
 */
public final class ReparseJob {
  /** A reparse runs no model: its {@code runs} row has none. */
  private static final ModelInfo NO_MODEL = new ModelInfo(null, null, null, null, null, null);

  private final SparkSession spark;
  private final Warehouse warehouse;
  private final RunLog runLog;

  public ReparseJob(SparkSession spark, String warehouse) {
    this.spark = spark;
    this.warehouse = new Warehouse(warehouse);
    this.runLog = new RunLog(spark, this.warehouse, new ScriptoriumConf(spark.conf()));
  }

  public ReparseSummary reparse(String where) {
    if (where == null || where.isBlank()) {
      throw new IllegalArgumentException("A --where predicate is required (use 'true' to re-parse every output)");
    }
    warehouse.ensureTables(spark);
    String runId = Ids.newRunId();
    long start = System.nanoTime();
    Map<String, Object> arguments = new LinkedHashMap<>();
    arguments.put("where", where);
    arguments.put("parser_version", OutputParsers.PARSER_VERSION);
    runLog.started(runId, "reparse", RunLog.toJson(arguments), null, null, NO_MODEL, false);
    try {
      // By path, so the outputs are this warehouse's whatever the catalog holds.
      Dataset<Row> selected = UserPredicate.select(
          spark.read().format("delta").load(warehouse.location(Tables.RAW_OUTPUTS)), Tables.RAW_OUTPUTS, where);
      Dataset<Row> sizes = spark.read().format("delta").load(warehouse.location(Tables.PAGES))
          .where(col("width").isNotNull().and(col("height").isNotNull()))
          .groupBy("content_sha256").agg(max("width").as("width"), max("height").as("height"));
      Dataset<Row> outputs = selected.withColumn("run_id", lit(runId))
          .join(sizes, scala.jdk.javaapi.CollectionConverters.asScala(List.of("content_sha256")).toSeq(), "left");
      DerivedTables.Written written = new DerivedTables(spark, warehouse).write(outputs, DerivedTables.EVERY);
      double seconds = (System.nanoTime() - start) / 1e9;
      long spots = written.tables().get(Tables.SPOTS).rows();
      runLog.finished(new RunSummary(runId, RunState.SUCCEEDED.wireName(), 0, 0, 0, 0, 0, 0, 0, 0, written.outputs(),
          spots, seconds, Map.of(), List.of()), written.commits());
      return new ReparseSummary(runId, written.outputs(), written.tables(), seconds);
    } catch (RuntimeException | Error e) {
      runLog.failed(e);
      throw e;
    }
  }
}
