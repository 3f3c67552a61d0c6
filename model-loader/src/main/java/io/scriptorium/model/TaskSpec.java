package io.scriptorium.model;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * What to ask the model. IE needs {@code fields} (one field selects the single-key prompt), TRANSLATE needs
 * {@code targetLanguage} ("en" or "zh"), VQA needs {@code question}; other tasks take none of them.
 */
public record TaskSpec(Task task, List<String> fields, String targetLanguage, String question)
    implements Serializable {

  public TaskSpec {
    Objects.requireNonNull(task, "task");
    fields = fields == null ? List.of() : List.copyOf(fields);
    for (String field : fields) {
      if (field.isBlank()) {
        throw new IllegalArgumentException("IE field names must not be blank: " + fields);
      }
    }
    require(task == Task.IE, !fields.isEmpty(), task, "fields", fields);
    require(task == Task.TRANSLATE, isSet(targetLanguage), task, "targetLanguage", targetLanguage);
    require(task == Task.VQA, isSet(question), task, "question", question);
  }

  /** A spec for a task that takes no parameters; IE, TRANSLATE and VQA need the canonical constructor. */
  public static TaskSpec of(Task task) {
    return new TaskSpec(task, List.of(), null, null);
  }

  private static boolean isSet(String value) {
    return value != null && !value.isBlank();
  }

  private static void require(boolean needed, boolean present, Task task, String name, Object value) {
    if (needed && !present) {
      throw new IllegalArgumentException(task + " needs " + name + " (got " + value + ")");
    }
    if (!needed && present) {
      throw new IllegalArgumentException(task + " does not take " + name + " (got " + value + ")");
    }
  }
}
