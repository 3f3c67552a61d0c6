package io.scriptorium.pipeline;

import io.scriptorium.model.ModelInfo;
import io.scriptorium.model.OcrRuntime;
import io.scriptorium.model.Prompt;
import io.scriptorium.model.RuntimeConfig;
import io.scriptorium.pipeline.infer.ModelPlacement;
import io.scriptorium.pipeline.plan.PagePlanner;
import io.scriptorium.pipeline.plan.StagedPlan;
import io.scriptorium.pipeline.run.DigitizeJob;
import io.scriptorium.pipeline.warehouse.Warehouse;
import java.io.IOException;
import java.sql.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.sql.SparkSession;

/**
 * Hook for the benchmarks only (the {@code bench} module's planning group, issues #8, #14; no command uses it): the
 * planning step of {@code digitize} alone, the same calls {@link DigitizeJob} makes before any page is inferred:
 * verify the bundle, render the prompts, register the tables, plan ({@link PagePlanner#files},
 * {@link PagePlanner#plan}) and stage the plan ({@link StagedPlan#stage}, which counts it). Nothing is inferred and no
 * run is recorded. The benchmark times {@link #stage}; closing the probe deletes the staged plan.
 */
public final class PlanningProbe implements AutoCloseable {
  private final SparkSession spark;
  private final StagedPlan staged;
  private final String staging;

  private PlanningProbe(SparkSession spark, StagedPlan staged, String staging) {
    this.spark = spark;
    this.staged = staged;
    this.staging = staging;
  }

  public static PlanningProbe stage(SparkSession spark, DigitizeOptions options) {
    ScriptoriumConf conf = new ScriptoriumConf(spark.conf());
    RuntimeConfig runtime = conf.runtimeConfig(options.model());
    RuntimeConfig driverLocal = ModelPlacement.forDriver(runtime, spark);
    ModelInfo model = OcrRuntime.describe(driverLocal);
    List<Prompt> prompts = OcrRuntime.prompts(driverLocal, options.tasks());
    Warehouse warehouse = new Warehouse(options.warehouse());
    warehouse.ensureTables(spark);
    PagePlanner planner = new PagePlanner(spark, warehouse, conf.pageOptions(), conf.maxAttempts(), conf.planVerifyContent());
    String staging = warehouse.root() + "/_staging/probe-" + UUID.randomUUID();
    StagedPlan staged = StagedPlan.stage(spark,
        planner.plan(planner.files(options), prompts, model.revision(), Date.valueOf(options.batchDate())),
        staging + "/plan");
    return new PlanningProbe(spark, staged, staging);
  }

  /** The plan's page count per action (infer, skip, deduplicated, fail). */
  public Map<String, Long> actions() {
    return staged.actions();
  }

  @Override
  public void close() {
    staged.rows().unpersist();
    try {
      org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(staging);
      path.getFileSystem(spark.sparkContext().hadoopConfiguration()).delete(path, true);
    } catch (IOException e) {
      // a leftover staging directory is harmless
    }
  }
}
