package io.scriptorium.pipeline.derive;

import io.scriptorium.model.Task;
import io.scriptorium.pipeline.parse.Field;
import io.scriptorium.pipeline.parse.OutputParsers;
import io.scriptorium.pipeline.parse.ParseResult;
import io.scriptorium.pipeline.parse.ParseWarning;
import java.util.List;
import java.util.Optional;

/**
 * Each task's parser, in one place: {@link #parse} is an exhaustive switch over {@link Task}, so a new task does not
 * compile until it has its entry here. What the parsed output becomes is {@link DerivedRows}' business.
 */
public final class TaskRegistry {
  private TaskRegistry() {}

  /** {@code text}, an answer to {@code task}, read by the task's parser; total, like the parsers. */
  public static ParsedOutput parse(Task task, String text, TaskParameters parameters) {
    return switch (task) {
      case SPOTTING -> spotting(text);
      case PARSE -> new ParsedOutput.Document(OutputParsers.document(text));
      case TRANSLATE -> new ParsedOutput.Translated(OutputParsers.translation(text, parameters.targetLanguage()),
          parameters.targetLanguage(), OutputParsers.trimRepetition(text).text().strip());
      case TABLE -> new ParsedOutput.TableAnswer(OutputParsers.table(text));
      case FORMULA -> new ParsedOutput.FormulaAnswer(OutputParsers.formula(text));
      case CHART -> {
        var charts = OutputParsers.chart(text);
        yield new ParsedOutput.Charts(charts.records(), charts.warnings());
      }
      case IE -> fields(text, parameters.singleField());
      case SUBTITLES -> {
        var lines = OutputParsers.subtitles(text);
        yield new ParsedOutput.Subtitles(lines.records(), lines.warnings());
      }
      case VQA -> {
        var answers = OutputParsers.vqa(text);
        yield new ParsedOutput.Answers(answers.records(), answers.warnings());
      }
      case TEXT -> new ParsedOutput.PlainText(OutputParsers.trimRepetition(text));
    };
  }

  /** Spotting's entry on its own: digitize parses spotting lines at inference. */
  static ParsedOutput.Spots spotting(String text) {
    var spots = OutputParsers.spotting(text);
    return new ParsedOutput.Spots(spots.records(), spots.warnings());
  }

  /** The task a stored task name (its {@link Task#key key}, exactly) stands for; empty for any other string. */
  public static Optional<Task> byKey(String key) {
    for (Task task : Task.values()) {
      if (task.key().equals(key)) {
        return Optional.of(task);
      }
    }
    return Optional.empty();
  }

  /**
   * Information extraction. A single-key prompt ("Output the value of KEY.") is answered with the bare value, which
   * becomes one field named after the key when the answer holds no JSON object; that it is no JSON is then expected.
   */
  private static ParsedOutput.Fields fields(String text, String key) {
    ParseResult<Field> parsed = OutputParsers.fields(text);
    String answer = OutputParsers.trimRepetition(text).text().strip();
    if (parsed.records().isEmpty() && key != null && !answer.isEmpty()) {
      return new ParsedOutput.Fields(List.of(new Field(key, answer)), parsed.warnings().stream()
          .filter(w -> !w.code().equals(ParseWarning.JSON_INVALID)).toList());
    }
    return new ParsedOutput.Fields(parsed.records(), parsed.warnings());
  }
}
