package io.scriptorium.jobs;

import io.scriptorium.pipeline.DigitizeOptions;
import io.scriptorium.pipeline.RunSummary;
import io.scriptorium.pipeline.Scriptorium;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "digitize", mixinStandardHelpOptions = true,
    description = "Read pages (images and PDFs) from storage, run HunyuanOCR, write Delta tables.")
final class DigitizeCommand implements Callable<Integer> {
  @Option(names = "--input", description = "File or directory URI (file:, s3a:, hdfs:); repeatable.")
  List<String> inputs = new ArrayList<>();

  @Option(names = "--glob", description = "File-name glob while listing inputs, e.g. '*.{png,pdf}'.")
  String glob;

  @Option(names = "--manifest", description = "Parquet or Delta table with a source_uri column and metadata columns.")
  String manifest;

  @Option(names = "--warehouse", required = true, description = "Warehouse root URI for the Delta tables.")
  String warehouse;

  @Option(names = "--collection", defaultValue = "default", description = "Collection name (default: ${DEFAULT-VALUE}).")
  String collection;

  @Option(names = "--batch-date", description = "Batch date YYYY-MM-DD (default: today).")
  LocalDate batchDate;

  @Mixin
  TaskOptions taskOptions;

  @Option(names = "--quiet-summary", description = "Do not print the SQL summary of the run.")
  boolean quietSummary;

  @Override
  public Integer call() {
    DigitizeOptions options =
        new DigitizeOptions(inputs, glob, manifest, warehouse, collection, batchDate, taskOptions.specs(), taskOptions.model);
    SparkSession spark = Main.session("digitize");
    Scriptorium scriptorium = Scriptorium.get(spark);
    RunSummary run = scriptorium.digitize(options);
    RunReport.print(run);
    if (!quietSummary) {
      RunReport.printTables(scriptorium, warehouse, run.runId());
    }
    return run.accountedFor() ? 0 : 3;
  }
}
