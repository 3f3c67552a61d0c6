package io.scriptorium.jobs;

import io.scriptorium.model.Task;
import io.scriptorium.model.TaskSpec;
import java.util.List;
import picocli.CommandLine.Option;

/** The task options shared by the commands that run the model (a picocli mixin). */
final class TaskOptions {
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

  List<TaskSpec> specs() {
    return tasks.stream().map(name -> new TaskSpec(Task.parse(name.trim()), fields, targetLanguage, question)).toList();
  }
}
