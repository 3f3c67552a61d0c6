package io.scriptorium.jobs;

import io.scriptorium.pipeline.RerunOptions;
import io.scriptorium.pipeline.RunSummary;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "rerun", mixinStandardHelpOptions = true,
    description = "Re-infer the pages a predicate over scriptorium.current_outputs selects; new results sit beside the old.")
final class RerunCommand implements Callable<Integer> {
  @Option(names = "--warehouse", required = true, description = "Warehouse root URI.")
  String warehouse;

  @Option(names = "--where", required = true,
      description = "SQL predicate over scriptorium.current_outputs, e.g. \"task = 'parse' AND finish_reason = 'length'\".")
  String where;

  @Mixin
  TaskOptions taskOptions;

  @Option(names = "--prompt-set",
      description = "Prompt set of the bundle: zh (the 1.0 README's wording, default), zh-compact or en.")
  String promptSet;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    RerunOptions options =
        Main.options(spec, () -> new RerunOptions(warehouse, where, taskOptions.specs(), taskOptions.model, promptSet));
    org.apache.spark.sql.SparkSession spark = Main.session("rerun");
    taskOptions.applyTo(spark);
    RunSummary run = io.scriptorium.pipeline.Scriptorium.get(spark).rerun(options);
    RunReport.print(run);
    return run.accountedFor() ? 0 : 3;
  }
}
