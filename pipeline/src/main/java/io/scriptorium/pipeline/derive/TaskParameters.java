package io.scriptorium.pipeline.derive;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What the prompt asked for beyond the task, as recorded beside the output (raw_outputs' {@code target_language} and
 * {@code ie_fields}): parsing takes them as data, never from the prompt's wording.
 *
 * @param targetLanguage translate: the language asked for; null when not recorded
 * @param fields ie: the fields asked for; empty when not recorded
 */
public record TaskParameters(String targetLanguage, List<String> fields) {
  public static final TaskParameters NONE = new TaskParameters(null, List.of());

  public TaskParameters {
    fields = fields == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(fields));
  }

  /** The one field of a single-key IE prompt, whose answer is a bare value; null otherwise. */
  String singleField() {
    return fields.size() == 1 ? fields.get(0) : null;
  }
}
