package io.scriptorium.model;

import java.io.Serializable;
import java.util.Objects;

/**
 * A rendered task prompt. Build it with {@link OcrRuntime#prompt(TaskSpec)}; it is a small serializable value, so a
 * driver can build prompts once and ship them to executors.
 *
 * @param spec what was asked, parameters included: they travel with the prompt as data and are never recovered
 *     from its text
 * @param language the prompt language key of the manifest ("zh", "en")
 * @param text the exact prompt text placed after the image block
 * @param sha256 hex sha256 of the UTF-8 bytes of {@code text}, for provenance
 */
public record Prompt(TaskSpec spec, String language, String text, String sha256) implements Serializable {
  public Prompt {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(language, "language");
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(sha256, "sha256");
  }

  static Prompt of(TaskSpec spec, String language, String text) {
    return new Prompt(spec, language, text, Sha256.hex(text));
  }

  public Task task() {
    return spec.task();
  }
}
