package io.scriptorium.udfs;

import io.scriptorium.pipeline.parse.OutputParsers;
import java.util.Set;

/** The canonical token form of a formula that {@code latex_normalize} returns. */
final class LatexTokens {
  /** Commands that only add space: they change no symbol, so comparisons ignore them. */
  static final Set<String> SPACING = Set.of("\\,", "\\:", "\\;", "\\!", "\\ ", "\\quad", "\\qquad", "~");

  private LatexTokens() {}

  static String normalize(String latex) {
    if (latex == null) {
      return null;
    }
    String body = OutputParsers.formula(latex).latex();
    StringBuilder out = new StringBuilder(body.length() + body.length() / 2);
    int n = body.length();
    int i = 0;
    while (i < n) {
      char c = body.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
        continue;
      }
      int end;
      if (c == '\\') {
        end = i + 1;
        while (end < n && isLetter(body.charAt(end))) {
          end++;
        }
        if (end == i + 1) { // an escaped character such as \{ or \\; a trailing backslash stays alone
          end = i + 1 < n ? i + 1 + Character.charCount(body.codePointAt(i + 1)) : n;
        }
      } else {
        end = i + Character.charCount(body.codePointAt(i));
      }
      String token = body.substring(i, end);
      if (token.length() == 2 && token.charAt(0) == '\\' && Character.isWhitespace(token.charAt(1))) {
        token = "\\ ";
      }
      if (!SPACING.contains(token)) {
        if (out.length() > 0) {
          out.append(' ');
        }
        out.append(token);
      }
      i = end;
    }
    return out.toString();
  }

  private static boolean isLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }
}
