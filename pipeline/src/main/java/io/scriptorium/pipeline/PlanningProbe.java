package io.scriptorium.pipeline;

import io.scriptorium.model.ModelInfo;
import io.scriptorium.model.OcrRuntime;
import io.scriptorium.model.Prompt;
import io.scriptorium.model.RuntimeConfig;
import java.io.IOException;
import java.sql.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * Benchmark hook (issue #8): times the planning step of {@code digitize} alone, the same calls
 * {@link DigitizeJob} makes before any page is inferred: verify the bundle, render the prompts, register the tables,
 * list (or read the manifest), join with {@code pages} and {@code raw_outputs}, expand and hash new files, stage the
 * plan as Parquet and count its actions. Nothing is inferred and no run is recorded; the staged plan is deleted.
 */
public final class PlanningProbe {
  /** Wall time of planning and the plan's page count per action (infer, skip, deduplicated, fail). */
  public record Result(double seconds, Map<String, Long> actions) {}

  private PlanningProbe() {}

  public static Result plan(SparkSession spark, DigitizeOptions options) {
    long start = System.nanoTime();
    ScriptoriumConf conf = new ScriptoriumConf(spark.conf());
    RuntimeConfig runtime = conf.runtimeConfig(options.model());
    RuntimeConfig driverLocal = ModelPlacement.forDriver(runtime, spark);
    ModelInfo model = OcrRuntime.describe(driverLocal);
    List<Prompt> prompts = OcrRuntime.prompts(driverLocal, options.tasks());
    Warehouse warehouse = new Warehouse(options.warehouse());
    warehouse.ensureTables(spark);
    PagePlanner planner = new PagePlanner(spark, warehouse, conf.pageOptions(), conf.maxAttempts(), conf.planVerifyContent());
    String staging = warehouse.root() + "/_staging/probe-" + UUID.randomUUID();
    Date batchDate = Date.valueOf(options.batchDate());
    planner.plan(planner.files(options), prompts, model.revision(), batchDate)
        .write().mode("overwrite").parquet(staging + "/plan");
    Dataset<Row> plan = spark.read().schema(PagePlanner.PLAN_SCHEMA).parquet(staging + "/plan")
        .persist(StorageLevel.MEMORY_AND_DISK());
    Map<String, Long> actions = new LinkedHashMap<>();
    try {
      for (Row row : plan.groupBy("action").count().collectAsList()) {
        actions.put(row.getString(0), row.getLong(1));
      }
      plan.select("source_uri").distinct().count(); // DigitizeJob counts the input files too
    } finally {
      plan.unpersist();
      try {
        org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(staging);
        path.getFileSystem(spark.sparkContext().hadoopConfiguration()).delete(path, true);
      } catch (IOException e) {
        // a leftover staging directory is harmless
      }
    }
    return new Result((System.nanoTime() - start) / 1e9, actions);
  }
}
