package io.scriptorium.jobs;

import io.scriptorium.model.Task;
import io.scriptorium.model.TaskSpec;
import io.scriptorium.pipeline.RerunOptions;
import io.scriptorium.pipeline.RunSummary;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "rerun", mixinStandardHelpOptions = true,
    description = "Re-infer the pages a predicate over scriptorium.current_outputs selects; new results sit beside the old.")
final class RerunCommand implements Callable<Integer> {
  @Option(names = "--warehouse", required = true, description = "Warehouse root URI.")
  String warehouse;

  @Option(names = "--where", required = true,
      description = "SQL predicate over scriptorium.current_outputs, e.g. \"task = 'parse' AND finish_reason = 'length'\".")
  String where;

  @Option(names = "--tasks", split = ",", defaultValue = "spotting,parse", description = "Tasks to run (default: ${DEFAULT-VALUE}).")
  List<String> tasks;

  @Option(names = "--fields", split = ",", description = "Fields to extract for the ie task.")
  List<String> fields;

  @Option(names = "--target-lang", description = "Target language for translate: en or zh.")
  String targetLanguage;

  @Option(names = "--question", description = "Question for the vqa task.")
  String question;

  @Option(names = "--model", description = "Model bundle URI (default: spark.scriptorium.model).")
  String model;

  @Option(names = "--prompt-set", description = "Prompt set of the bundle: zh (default of HunyuanOCR) or en.")
  String promptSet;

  @Override
  public Integer call() {
    List<TaskSpec> specs = tasks.stream()
        .map(name -> new TaskSpec(Task.parse(name.trim()), fields, targetLanguage, question)).toList();
    RunSummary run = io.scriptorium.pipeline.Scriptorium.get(Main.session("rerun"))
        .rerun(new RerunOptions(warehouse, where, specs, model, promptSet));
    RunReport.print(run);
    return run.accountedFor() ? 0 : 3;
  }
}
