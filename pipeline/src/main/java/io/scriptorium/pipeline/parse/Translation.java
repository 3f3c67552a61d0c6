package io.scriptorium.pipeline.parse;

import java.io.Serializable;

/**
 * A translation answer: the translated text parsed like a document (tables as HTML, formulas as LaTeX).
 *
 * @param language the target language the prompt asked for, as given (trimmed; empty when not given)
 * @param document the translated text as a document
 */
public record Translation(String language, ParsedDocument document) implements Serializable {
  private static final long serialVersionUID = 1L;

  public Translation {
    language = language == null ? "" : language.strip();
  }
}
