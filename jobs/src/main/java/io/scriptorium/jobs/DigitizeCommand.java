package io.scriptorium.jobs;

import io.scriptorium.pipeline.DigitizeOptions;
import io.scriptorium.pipeline.RunAlreadyLiveException;
import io.scriptorium.pipeline.RunSummary;
import io.scriptorium.pipeline.Scriptorium;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "digitize", mixinStandardHelpOptions = true,
    description = "Read pages (images and PDFs) from storage, run HunyuanOCR, write Delta tables.",
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {"0:the run succeeded and every input page is accounted for (some may have failed: see pages)",
        "1:the run failed (a systemic fault; the cause is printed and recorded in runs)",
        "2:usage error", "3:the run succeeded but some listed files' pages are not all recorded (they are named)",
        "4:another run of the same collection and batch date is live; nothing was done (see --wait)"})
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

  @Option(names = "--wait", description = "If another run of the same collection and batch date is live, wait for it"
      + " to end, then run (skipping what it did), instead of exiting with code 4.")
  boolean waitForLive;

  @Spec
  CommandSpec spec;

  /** Exit code when another run holds the collection and batch date. */
  static final int EXIT_RUN_LIVE = 4;

  @Override
  public Integer call() {
    DigitizeOptions options = Main.options(spec, () -> new DigitizeOptions(inputs, glob, manifest, warehouse,
        collection, batchDate, taskOptions.specs(), taskOptions.model, waitForLive));
    SparkSession spark = Main.session("digitize");
    taskOptions.applyTo(spark);
    Scriptorium scriptorium = Scriptorium.get(spark);
    RunSummary run;
    try {
      run = scriptorium.digitize(options);
    } catch (RunAlreadyLiveException e) {
      System.err.println("scriptorium digitize: " + e.getMessage());
      return EXIT_RUN_LIVE;
    }
    RunReport.print(run);
    if (!quietSummary) {
      RunReport.printTables(scriptorium, warehouse, run.runId());
    }
    return run.accountedFor() ? 0 : 3;
  }
}
