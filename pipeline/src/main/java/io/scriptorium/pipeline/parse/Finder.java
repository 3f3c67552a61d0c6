package io.scriptorium.pipeline.parse;

/**
 * {@code indexOf} for one needle over one text, remembering its last answer, so that a scanner asking again and again
 * from growing positions pays O(n) in total rather than O(n) per question.
 */
final class Finder {
  private final String text;
  private final String needle;
  private final boolean ignoreCase;
  private int askedFrom = Integer.MAX_VALUE;
  private int found = -1;

  Finder(String text, String needle, boolean ignoreCase) {
    this.text = text;
    this.needle = needle;
    this.ignoreCase = ignoreCase;
  }

  Finder(String text, String needle) {
    this(text, needle, false);
  }

  /** The first occurrence at or after {@code from}, or -1. */
  int next(int from) {
    if (from >= askedFrom && (found < 0 || found >= from)) {
      return found;
    }
    askedFrom = from;
    found = ignoreCase ? indexOfIgnoreCase(text, needle, from) : text.indexOf(needle, from);
    return found;
  }

  /** The first occurrence at or after {@code from} and before {@code limit}, or -1. */
  int next(int from, int limit) {
    int i = next(from);
    return i >= 0 && i < limit ? i : -1;
  }

  /** ASCII-case-insensitive indexOf (the needles are ASCII tags); offsets stay those of {@code text}. */
  static int indexOfIgnoreCase(String text, String needle, int from) {
    int n = text.length();
    int m = needle.length();
    char first = Character.toLowerCase(needle.charAt(0));
    char firstUpper = Character.toUpperCase(needle.charAt(0));
    for (int i = Math.max(0, from); i <= n - m; i++) {
      char c = text.charAt(i);
      if ((c == first || c == firstUpper) && text.regionMatches(true, i, needle, 0, m)) {
        return i;
      }
    }
    return -1;
  }
}
