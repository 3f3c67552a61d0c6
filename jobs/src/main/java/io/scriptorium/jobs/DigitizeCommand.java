package io.scriptorium.jobs;

import io.scriptorium.model.Task;
import io.scriptorium.model.TaskSpec;
import io.scriptorium.pipeline.DigitizeOptions;
import io.scriptorium.pipeline.RunSummary;
import io.scriptorium.pipeline.Scriptorium;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
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

  @Option(names = "--tasks", split = ",", defaultValue = "spotting,parse",
      description = "Comma-separated tasks: spotting, parse, formula, table, chart, text, ie, translate, subtitles, vqa (default: ${DEFAULT-VALUE}).")
  List<String> tasks;

  @Option(names = "--fields", split = ",", description = "Fields to extract for the ie task.")
  List<String> fields;

  @Option(names = "--target-lang", description = "Target language for translate: en or zh.")
  String targetLanguage;

  @Option(names = "--question", description = "Question for the vqa task.")
  String question;

  @Option(names = "--model", description = "Model bundle URI (default: spark.scriptorium.model, builtin:tiny).")
  String model;

  @Option(names = "--quiet-summary", description = "Do not print the SQL summary of the run.")
  boolean quietSummary;

  @Override
  public Integer call() {
    List<TaskSpec> specs = tasks.stream()
        .map(name -> new TaskSpec(Task.parse(name.trim()), fields, targetLanguage, question))
        .toList();
    DigitizeOptions options =
        new DigitizeOptions(inputs, glob, manifest, warehouse, collection, batchDate, specs, model);
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
