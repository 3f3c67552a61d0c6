package io.scriptorium.jobs;

import io.scriptorium.model.Task;
import io.scriptorium.model.TaskSpec;
import java.util.List;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/** The task options shared by the commands that run the model (a picocli mixin). */
final class TaskOptions {
  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  @Option(names = "--tasks", split = ",", defaultValue = "spotting,parse", paramLabel = "TASK",
      converter = TaskConverter.class,
      description = "Comma-separated tasks: spotting, parse, formula, table, chart, text, ie, translate, subtitles, vqa (default: ${DEFAULT-VALUE}).")
  List<Task> tasks;

  @Option(names = "--fields", split = ",", description = "Fields to extract for the ie task.")
  List<String> fields;

  @Option(names = "--target-lang", description = "Target language for translate: en or zh.")
  String targetLanguage;

  @Option(names = "--question", description = "Question for the vqa task.")
  String question;

  @Option(names = "--model", description = "Model bundle URI (default: spark.scriptorium.model, builtin:tiny).")
  String model;

  /** The tasks with their parameters; a combination that does not make sense is a usage error. */
  List<TaskSpec> specs() {
    return Main.options(command,
        () -> tasks.stream().map(task -> new TaskSpec(task, fields, targetLanguage, question)).toList());
  }

  /** A task name, case-insensitive; the error lists the valid ones. */
  static final class TaskConverter implements ITypeConverter<Task> {
    @Override
    public Task convert(String value) {
      try {
        return Task.parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }
}
