package io.scriptorium.pipeline.parse;

/**
 * Cuts a looping tail (the model repeating a unit until it runs out of tokens) down to one copy of the unit.
 *
 * <p>The tail of the text is <em>periodic with unit length L</em> over a span of S chars when each of its last
 * {@code S - L} chars equals the char L places after it. A tail is a loop, and is cut, when for its shortest unit:
 *
 * <ul>
 *   <li>the span holds at least {@value #MIN_REPEATS} whole copies of the unit, and
 *   <li>the span is at least {@value #MIN_SPAN} chars; {@value #SHORT_UNIT_MIN_SPAN} when the unit is at most
 *       {@value #SHORT_UNIT_MAX} chars (so {@code 0000000000000000} or {@code 哈哈哈哈哈} in real text survive);
 *       {@value #STRUCTURAL_MIN_SPAN} when the unit is <em>structural</em>: it has no letter or digit (dot leaders
 *       {@code ......}, rules {@code -----}, {@code ____} blanks, spaces) or holds a {@code |} (Markdown table rules
 *       {@code | --- | --- |} and rows such as {@code | 0 | 0 | 0 |}).
 * </ul>
 *
 * <p>Only the tail is examined, for every unit length from 1 char to a quarter of the text (four copies must fit).
 * The cut keeps the text up to the end of the first copy, measured in whole units back from the end, as the
 * reference {@code clean_repeated_substrings} does; unlike it, this works at any length (the reference waits for
 * 8000 chars and 10 copies) and also sees a tail whose last copy was cut off mid-unit.
 *
 * <p>Cost: for each unit length the scan stops at the first mismatch, and once the span passes the cheapest
 * threshold; only the unit that is cut is scanned to its full extent. That is O(n * maxUnit) in the worst case and
 * about O(n) for real text (a 100 KB string takes well under a millisecond when nothing loops).
 */
final class RepetitionTrimmer {
  static final int MIN_REPEATS = 4;
  static final int MIN_SPAN = 16;
  static final int SHORT_UNIT_MAX = 3;
  static final int SHORT_UNIT_MIN_SPAN = 32;
  static final int STRUCTURAL_MIN_SPAN = 256;

  private RepetitionTrimmer() {}

  static Trimmed trim(String text) {
    if (text == null) {
      return new Trimmed("", false, 0, 0);
    }
    int n = text.length();
    int maxUnit = n / MIN_REPEATS;
    for (int unit = 1; unit <= maxUnit; unit++) {
      int cheapest = Math.max(MIN_REPEATS * unit, MIN_SPAN);
      int i = n - 1 - unit;
      int span = unit;
      while (i >= 0 && span < cheapest && text.charAt(i) == text.charAt(i + unit)) {
        i--;
        span++;
      }
      if (span < cheapest || !primitive(text, n - unit, unit)) {
        continue;
      }
      int required = Math.max(MIN_REPEATS * unit, requiredSpan(text, n - unit, unit));
      while (i >= 0 && text.charAt(i) == text.charAt(i + unit)) {
        i--;
        span++;
      }
      if (span < required) {
        continue;
      }
      int repeats = span / unit;
      int keep = n - (repeats - 1) * unit;
      return new Trimmed(text.substring(0, keep), true, unit, repeats);
    }
    return new Trimmed(text, false, 0, 0);
  }

  /** Whether {@code text[from, from+len)} is not itself a repetition of a shorter unit. */
  private static boolean primitive(String text, int from, int len) {
    for (int p = 1; p <= len / 2; p++) {
      if (len % p != 0) {
        continue;
      }
      int j = 0;
      while (j < len - p && text.charAt(from + j) == text.charAt(from + j + p)) {
        j++;
      }
      if (j == len - p) {
        return false;
      }
    }
    return true;
  }

  private static int requiredSpan(String text, int from, int len) {
    boolean content = false;
    for (int j = from; j < from + len; j++) {
      char c = text.charAt(j);
      if (c == '|') {
        return STRUCTURAL_MIN_SPAN;
      }
      if (Character.isLetterOrDigit(c) || Character.isSurrogate(c)) {
        content = true;
      }
    }
    if (!content) {
      return STRUCTURAL_MIN_SPAN;
    }
    return len <= SHORT_UNIT_MAX ? SHORT_UNIT_MIN_SPAN : MIN_SPAN;
  }
}
