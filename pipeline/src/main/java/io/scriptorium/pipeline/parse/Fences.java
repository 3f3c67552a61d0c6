package io.scriptorium.pipeline.parse;

import java.util.Locale;
import java.util.Set;

/** Markdown code fences around a whole answer ({@code ```json ... ```}). */
final class Fences {
  private static final String FENCE = "```";

  private Fences() {}

  /**
   * The inside of {@code text} when all of it is one fence whose language is in {@code languages} ({@code ""} for a
   * fence without one); {@code text} itself otherwise. An unclosed fence yields everything after its first line.
   */
  static String unwrap(String text, Set<String> languages) {
    String s = text.strip();
    if (!s.startsWith(FENCE)) {
      return text;
    }
    int eol = s.indexOf('\n');
    if (eol < 0) {
      return text;
    }
    String language = s.substring(FENCE.length(), eol).strip().toLowerCase(Locale.ROOT);
    if (!languages.contains(language)) {
      return text;
    }
    int close = s.lastIndexOf(FENCE);
    if (close <= eol || !s.substring(close + FENCE.length()).isBlank()) {
      return s.substring(eol + 1);
    }
    return s.substring(eol + 1, close);
  }

  /** The language of a fence opening at {@code start} in {@code s}, lower case; empty when none. */
  static String language(String s, int start, int lineEnd) {
    return s.substring(Math.min(lineEnd, start + FENCE.length()), lineEnd).strip().toLowerCase(Locale.ROOT);
  }
}
