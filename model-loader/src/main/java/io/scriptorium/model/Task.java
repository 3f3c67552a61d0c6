package io.scriptorium.model;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The prompt-selected HunyuanOCR tasks. The manifest key of a task is {@code name().toLowerCase()}. */
public enum Task {
  SPOTTING,
  PARSE,
  FORMULA,
  TABLE,
  CHART,
  TEXT,
  IE,
  TRANSLATE,
  SUBTITLES,
  VQA;

  /** Parses a task name case-insensitively ("parse", "PARSE"). */
  public static Task parse(String name) {
    if (name != null) {
      String wanted = name.trim();
      for (Task task : values()) {
        if (task.name().equalsIgnoreCase(wanted)) {
          return task;
        }
      }
    }
    throw new IllegalArgumentException(
        "Unknown task '" + name + "'; valid tasks: " + validNames());
  }

  /** The key used for this task in manifest.json (prompts, max_new_tokens). */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  static String validNames() {
    return Arrays.stream(values()).map(Task::key).collect(Collectors.joining(", "));
  }
}
