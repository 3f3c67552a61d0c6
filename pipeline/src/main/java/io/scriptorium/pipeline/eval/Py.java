package io.scriptorium.pipeline.eval;

/**
 * Python 3 string semantics the reference metrics depend on: what {@code str.isspace}, {@code str.strip} and the
 * {@code \w} and {@code \s} classes of {@code re} (str patterns) accept. Java's own {@link Character#isWhitespace} and
 * {@code \w} differ (no-break spaces, combining marks), which would move scores.
 */
final class Py {
  private Py() {}

  /** {@code str.isspace()} for one code point: bidirectional class WS, B or S, or category Zs. */
  static boolean isSpace(int c) {
    if (c == ' ' || (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x1F) || c == 0x85 || c == 0xA0) {
      return true;
    }
    if (c < 0x1680) {
      return false;
    }
    return Character.getType(c) == Character.SPACE_SEPARATOR || c == 0x2028 || c == 0x2029;
  }

  /**
   * {@code \w} of a Python str pattern: {@code str.isalnum()} or underscore. Letters (L*), and characters with a numeric
   * value (Nd, Nl, No; the numeric CJK ideographs are letters already). Combining marks (Mn, Mc) are not word
   * characters in Python, unlike Java's Unicode {@code \w}.
   */
  static boolean isWord(int c) {
    if (c == '_') {
      return true;
    }
    if (c < 0x80) {
      return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }
    return switch (Character.getType(c)) {
      case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
          Character.MODIFIER_LETTER, Character.OTHER_LETTER, Character.DECIMAL_DIGIT_NUMBER,
          Character.LETTER_NUMBER, Character.OTHER_NUMBER -> true;
      default -> false;
    };
  }

  /** {@code s.strip()}. */
  static String strip(String s) {
    int start = 0;
    int end = s.length();
    while (start < end && isSpace(s.codePointAt(start))) {
      start += Character.charCount(s.codePointAt(start));
    }
    while (end > start && isSpace(s.codePointBefore(end))) {
      end -= Character.charCount(s.codePointBefore(end));
    }
    return s.substring(start, end);
  }

  /** {@code s.strip(chars)} for a set of BMP characters. */
  static String strip(String s, String chars) {
    int start = 0;
    int end = s.length();
    while (start < end && chars.indexOf(s.charAt(start)) >= 0) {
      start++;
    }
    while (end > start && chars.indexOf(s.charAt(end - 1)) >= 0) {
      end--;
    }
    return s.substring(start, end);
  }

  /** {@code re.sub(r'\s+', replacement, s)}. */
  static String collapseSpaces(String s, String replacement) {
    StringBuilder out = new StringBuilder(s.length());
    boolean inRun = false;
    for (int i = 0; i < s.length(); ) {
      int c = s.codePointAt(i);
      i += Character.charCount(c);
      if (isSpace(c)) {
        if (!inRun) {
          out.append(replacement);
          inRun = true;
        }
      } else {
        out.appendCodePoint(c);
        inRun = false;
      }
    }
    return out.toString();
  }

  /** Length in code points, as Python's {@code len(str)}. */
  static int len(String s) {
    return s.codePointCount(0, s.length());
  }
}
