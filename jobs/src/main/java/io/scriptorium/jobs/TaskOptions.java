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

  @Option(names = "--model-sha256", paramLabel = "HEX", description = "Accept only the bundle whose manifest has this"
      + " sha256 (`model describe` prints it); sets spark.scriptorium.model.sha256.")
  String modelSha256;

  /** Settings given as options: they reach the job as the session's configuration, read in one place. */
  void applyTo(org.apache.spark.sql.SparkSession spark) {
    if (modelSha256 != null) {
      spark.conf().set(io.scriptorium.pipeline.ScriptoriumConf.MODEL_SHA256, modelSha256);
    }
  }

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
