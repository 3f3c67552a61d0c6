package io.scriptorium.pipeline;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;

import io.scriptorium.model.ModelInfo;
import io.scriptorium.model.OcrRuntime;
import io.scriptorium.model.RuntimeConfig;
import io.scriptorium.pipeline.parse.OutputParsers;
import java.sql.Date;
import java.sql.Timestamp;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.LongAccumulator;
import org.apache.spark.util.SerializableConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code digitize}: inputs → pages → per-executor HunyuanOCR → Delta tables, and a row in {@code runs}. */
final class DigitizeJob {
  private static final Logger LOG = LoggerFactory.getLogger(DigitizeJob.class);

  private final SparkSession spark;
  private final ScriptoriumConf conf;
  private final DigitizeOptions options;
  private final Warehouse warehouse;
  private final RunLog runLog;

  DigitizeJob(SparkSession spark, DigitizeOptions options) {
    this.spark = spark;
    this.conf = new ScriptoriumConf(spark.conf());
    this.options = options;
    this.warehouse = new Warehouse(options.warehouse());
    this.runLog = new RunLog(spark, warehouse);
  }

  RunSummary run() {
    RuntimeConfig runtime = conf.runtimeConfig(options.model());
    // Verifies the bundle (format and checksums) on the driver before any executor work.
    ModelInfo model = OcrRuntime.describe(ModelPlacement.forDriver(runtime, spark)); // #6 hook: URI bundles
    warehouse.ensureTables(spark);
    String runId = Ids.newRunId();
    long start = System.nanoTime();
    runLog.started(runId, "digitize", arguments(), options.collection(), options.batchDate(), model);
    Dataset<Row> pages = null;
    Dataset<Row> results = null;
    try {
      Dataset<Row> files = PagePlanner.files(spark, options).persist(StorageLevel.MEMORY_AND_DISK());
      long inputFiles = files.count();
      pages = PagePlanner.expand(files, spark.sparkContext().hadoopConfiguration(), conf.pageOptions())
          .persist(StorageLevel.MEMORY_AND_DISK());
      long pageCount = pages.count();
      files.unpersist();
      LOG.info("{}: {} input files, {} pages, tasks {}, model {} {} on {}", runId, inputFiles, pageCount,
          options.tasks().stream().map(t -> t.task().name().toLowerCase(java.util.Locale.ROOT)).toList(),
          model.modelId(), model.revision(), runtime.device());

      LongAccumulator done = spark.sparkContext().longAccumulator("scriptorium.pages.done");
      LongAccumulator failed = spark.sparkContext().longAccumulator("scriptorium.pages.failed");
      PartitionInference.Settings settings = new PartitionInference.Settings(
          runtime, options.tasks(), conf.pageOptions(), conf.pagesInFlight(), runId, options.batchDate(),
          new SerializableConfiguration(spark.sparkContext().hadoopConfiguration()), done, failed);
      results = PagePlanner.partitionByPages(pages, pageCount, conf.pagesPerPartition())
          .mapPartitions(new PartitionInference(settings), Encoders.row(PartitionInference.RESULT_SCHEMA))
          .persist(StorageLevel.MEMORY_AND_DISK());

      try (ProgressReporter progress = new ProgressReporter(runId, pageCount, done, failed, conf.progressIntervalSeconds())) {
        append(results.select(columns(Tables.PAGES_SCHEMA)), Tables.PAGES); // runs the model, once
        progress.report();
      }
      long outputs = append(rawOutputs(results), Tables.RAW_OUTPUTS);
      long spots = append(spots(results), Tables.SPOTS);

      RunSummary summary = summarize(runId, inputFiles, results, outputs, spots, (System.nanoTime() - start) / 1e9);
      runLog.finished(summary, null);
      return summary;
    } catch (RuntimeException e) {
      runLog.failed(runId, (System.nanoTime() - start) / 1e9, e);
      throw e;
    } finally {
      if (results != null) {
        results.unpersist();
      }
      if (pages != null) {
        pages.unpersist();
      }
    }
  }

  private long append(Dataset<Row> rows, String table) {
    rows.write().format("delta").mode("append").save(warehouse.location(table));
    return rows.count();
  }

  private static Dataset<Row> rawOutputs(Dataset<Row> results) {
    Dataset<Row> exploded = results
        .select(col("page_id"), col("model_id"), col("model_revision"), col("bundle_sha256"), col("generation"),
            col("device"), col("executor_id"), col("run_id"), col("collection"), col("batch_date"),
            explode(col("outputs")).as("o"))
        .select(col("*"), col("o.*"))
        .drop("o");
    return exploded.select(columns(Tables.RAW_OUTPUTS_SCHEMA));
  }

  private static Dataset<Row> spots(Dataset<Row> results) {
    Dataset<Row> exploded = results
        .select(col("page_id"), col("model_revision"), col("run_id"), col("collection"), col("batch_date"),
            explode(col("spots")).as("s"))
        .select(col("*"), col("s.*"))
        .drop("s")
        .withColumn("parser_version", lit(OutputParsers.PARSER_VERSION));
    return exploded.select(columns(Tables.SPOTS_SCHEMA));
  }

  private static Column[] columns(StructType schema) {
    return Arrays.stream(schema.fieldNames()).map(name -> col(name)).toArray(Column[]::new);
  }

  private static RunSummary summarize(String runId, long inputFiles, Dataset<Row> results, long outputs, long spots, double seconds) {
    long ok = 0;
    long failed = 0;
    Map<String, Long> failures = new LinkedHashMap<>();
    for (Row row : results.groupBy("status", "error_class").count().orderBy(col("count").desc()).collectAsList()) {
      long count = row.getLong(2);
      if ("ok".equals(row.getString(0))) {
        ok += count;
      } else {
        failed += count;
        failures.put(row.getString(1), count);
      }
    }
    long filesRecorded = results.select("source_uri").distinct().count();
    return new RunSummary(runId, "succeeded", inputFiles, filesRecorded, ok + failed, ok, failed, outputs, spots, seconds, failures);
  }

  private String arguments() {
    Map<String, Object> args = new LinkedHashMap<>();
    args.put("inputs", options.inputs());
    args.put("glob", options.glob());
    args.put("manifest", options.manifest());
    args.put("warehouse", options.warehouse());
    args.put("collection", options.collection());
    args.put("batch_date", options.batchDate().toString());
    args.put("tasks", options.tasks().stream().map(Object::toString).toList());
    args.put("model", options.model());
    return RunLog.toJson(args);
  }
}
