package io.scriptorium.pipeline.parse;

import java.util.Map;

/**
 * Model special tokens that leak into text. The placeholder tokens with a known meaning become their tags
 * ({@code <｜hy_place▁holder▁no▁110｜>} is {@code <quad>}, 111 {@code </quad>}, 112 {@code <ref>}, 113
 * {@code </ref>}, 114 {@code <pFig>}, 115 {@code </pFig>}); every other {@code <｜..｜>} token and every
 * {@code <pos_N>} token is removed, with one {@link ParseWarning#UNKNOWN_MARKUP} warning.
 */
final class SpecialTokens {
  private static final String PLACEHOLDER = "hy_place▁holder▁no▁";
  private static final Map<String, String> TAGS = Map.of(
      "110", "<quad>", "111", "</quad>", "112", "<ref>", "113", "</ref>", "114", "<pFig>", "115", "</pFig>");
  private static final int MAX_TOKEN = 64;

  private SpecialTokens() {}

  static String strip(String text, Warnings warnings) {
    if (text.indexOf("<pos_") < 0 && text.indexOf("<｜") < 0) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length());
    int removed = 0;
    int i = 0;
    int n = text.length();
    while (i < n) {
      char c = text.charAt(i);
      if (c == '<') {
        int end = tokenEnd(text, i);
        if (end > 0) {
          String tag = tagFor(text.substring(i, end));
          if (tag == null) {
            removed++;
          } else {
            out.append(tag);
          }
          i = end;
          continue;
        }
      }
      out.append(c);
      i++;
    }
    if (removed > 0) {
      warnings.add(ParseWarning.UNKNOWN_MARKUP, "removed " + removed + " special tokens such as <pos_N>");
    }
    return out.toString();
  }

  /** End (exclusive) of a {@code <pos_N>} or {@code <｜..｜>} token at {@code i}, or -1. */
  private static int tokenEnd(String text, int i) {
    int n = text.length();
    if (text.startsWith("<pos_", i)) {
      int j = i + 5;
      while (j < n && j - i < MAX_TOKEN && Character.isDigit(text.charAt(j))) {
        j++;
      }
      return j > i + 5 && j < n && text.charAt(j) == '>' ? j + 1 : -1;
    }
    if (text.startsWith("<｜", i)) {
      int limit = Math.min(n - 1, i + MAX_TOKEN);
      for (int j = i + 2; j < limit; j++) {
        if (text.charAt(j) == '｜' && text.charAt(j + 1) == '>') {
          return j + 2;
        }
      }
      return -1;
    }
    return -1;
  }

  private static String tagFor(String token) {
    if (!token.startsWith("<｜" + PLACEHOLDER)) {
      return null;
    }
    String number = token.substring(2 + PLACEHOLDER.length(), token.length() - 2);
    return TAGS.get(number);
  }
}
