package io.scriptorium.pipeline.parse;

import java.util.Arrays;

/**
 * Looping tails (the model repeating a unit until it runs out of tokens): the official trim, and a stricter detector
 * that only reports.
 *
 * <p>All lengths here are in <em>characters</em>: Unicode code points, as Python's {@code len} counts them, not UTF-16
 * units. An emoji or a CJK Extension B ideograph is one character, though two Java {@code char}s.
 *
 * <h2>The official trim ({@link #trim})</h2>
 *
 * <p>Exactly HunyuanOCR 1.0's post-processing, {@code clean_repeated_substrings} of the reference README and run
 * scripts. Let n be the text's length. Below {@value #OFFICIAL_MIN_LENGTH} characters the text is returned as is.
 * Otherwise, for each unit length L from 2 to {@code n / 10} in increasing order: the candidate is the last L
 * characters; count its back-to-back copies at the end, stepping back L at a time; at
 * {@value #OFFICIAL_MIN_REPEATS} or more copies, keep the text up to the end of the first copy
 * ({@code text[:n - L * (count - 1)]}) and stop. The first L that qualifies wins, even when it is a multiple of a
 * shorter unit (which then had fewer than 10 whole copies); when none does, the text is returned as is.
 *
 * <p>Cost: O(n) to count characters, then per unit length a comparison that usually stops at its first character;
 * O(n²/10) in the (pathological) worst case, as in the reference.
 *
 * <h2>The detector ({@link #suspect})</h2>
 *
 * <p>Finds loops the official trim leaves alone (shorter outputs, fewer copies, a last copy cut off mid-unit) and
 * never changes text. The tail of the text is <em>periodic with unit length L</em> over a span of S characters when
 * each of its last {@code S - L} characters equals the one L places after it. A tail is reported when for its
 * shortest unit:
 *
 * <ul>
 *   <li>the span holds at least {@value #MIN_REPEATS} whole copies of the unit, and
 *   <li>the span is at least {@value #MIN_SPAN} characters; {@value #SHORT_UNIT_MIN_SPAN} when the unit is at most
 *       {@value #SHORT_UNIT_MAX} characters (so {@code 0000000000000000} or {@code 哈哈哈哈哈} in real text pass);
 *       {@value #STRUCTURAL_MIN_SPAN} when the unit is <em>structural</em>: it has no letter, digit or character
 *       outside the Basic Multilingual Plane (dot leaders {@code ......}, rules {@code -----}, {@code ____} blanks,
 *       spaces) or holds a {@code |} (Markdown table rules {@code | --- | --- |} and rows such as
 *       {@code | 0 | 0 | 0 |}).
 * </ul>
 *
 * <p>Only the tail is examined, for every unit length from 1 character to a quarter of the text (four copies must
 * fit). For each unit length the scan stops at the first mismatch, and once the span passes the cheapest threshold;
 * only the unit that is reported is scanned to its full extent: O(n * maxUnit) in the worst case, about O(n) for real
 * text.
 */
final class RepetitionTrimmer {
  /** The official trim leaves texts shorter than this many characters alone. */
  static final int OFFICIAL_MIN_LENGTH = 8000;
  /** The official trim cuts a tail of at least this many back-to-back copies. */
  static final int OFFICIAL_MIN_REPEATS = 10;
  /** The official trim's shortest unit. */
  static final int OFFICIAL_MIN_UNIT = 2;

  static final int MIN_REPEATS = 4;
  static final int MIN_SPAN = 16;
  static final int SHORT_UNIT_MAX = 3;
  static final int SHORT_UNIT_MIN_SPAN = 32;
  static final int STRUCTURAL_MIN_SPAN = 256;

  private static final Trimmed NOTHING = new Trimmed("", false, 0, 0);

  /**
   * A looping tail the detector found.
   *
   * @param unitLength the shortest unit, in characters
   * @param repeats the whole copies of the unit in the periodic tail
   * @param span the periodic tail's length in characters (the last copy may be partial)
   */
  record Loop(int unitLength, int repeats, int span) {}

  private RepetitionTrimmer() {}

  /**
   * The text a parser works on: {@code raw} after the official trim, with a {@link ParseWarning#REPETITION_TRIMMED}
   * warning when it cut something and a {@link ParseWarning#REPETITION_SUSPECTED} warning when the detector still
   * finds a loop in what it kept.
   */
  static String prepare(String raw, Warnings w) {
    Trimmed t = trim(raw);
    if (t.trimmed()) {
      w.add(ParseWarning.REPETITION_TRIMMED, "cut a looping tail of " + t.repeats() + " copies of a "
          + t.unitLength() + "-char unit to one copy (official rule: at least " + OFFICIAL_MIN_LENGTH
          + " chars and " + OFFICIAL_MIN_REPEATS + " copies)");
    }
    Loop loop = suspect(t.text());
    if (loop != null) {
      w.add(ParseWarning.REPETITION_SUSPECTED, "the output ends in " + loop.repeats() + " copies of a "
          + loop.unitLength() + "-char unit (" + loop.span() + " chars), left as is: the official rule cuts only "
          + "outputs of at least " + OFFICIAL_MIN_LENGTH + " chars ending in at least " + OFFICIAL_MIN_REPEATS
          + " copies");
    }
    return t.text();
  }

  /** The official trim; see the class documentation. Null reads as "". */
  static Trimmed trim(String text) {
    if (text == null) {
      return NOTHING;
    }
    if (text.length() < OFFICIAL_MIN_LENGTH) { // chars >= code points: too short either way
      return new Trimmed(text, false, 0, 0);
    }
    int[] cp = text.codePoints().toArray();
    int n = cp.length;
    if (n < OFFICIAL_MIN_LENGTH) {
      return new Trimmed(text, false, 0, 0);
    }
    for (int unit = OFFICIAL_MIN_UNIT; unit <= n / OFFICIAL_MIN_REPEATS; unit++) {
      int last = n - unit;
      int count = 1; // the candidate itself
      int i = last - unit;
      while (i >= 0 && Arrays.equals(cp, i, i + unit, cp, last, n)) {
        count++;
        i -= unit;
      }
      if (count >= OFFICIAL_MIN_REPEATS) {
        int keep = n - unit * (count - 1);
        return new Trimmed(text.substring(0, text.offsetByCodePoints(0, keep)), true, unit, count);
      }
    }
    return new Trimmed(text, false, 0, 0);
  }

  /** The loop the detector finds at the end of {@code text}, or null; see the class documentation. */
  static Loop suspect(String text) {
    if (text == null || text.length() < MIN_SPAN) {
      return null;
    }
    int[] cp = text.codePoints().toArray();
    int n = cp.length;
    int maxUnit = n / MIN_REPEATS;
    for (int unit = 1; unit <= maxUnit; unit++) {
      int cheapest = Math.max(MIN_REPEATS * unit, MIN_SPAN);
      int i = n - 1 - unit;
      int span = unit;
      while (i >= 0 && span < cheapest && cp[i] == cp[i + unit]) {
        i--;
        span++;
      }
      if (span < cheapest || !primitive(cp, n - unit, unit)) {
        continue;
      }
      int required = Math.max(MIN_REPEATS * unit, requiredSpan(cp, n - unit, unit));
      while (i >= 0 && cp[i] == cp[i + unit]) {
        i--;
        span++;
      }
      if (span < required) {
        continue;
      }
      return new Loop(unit, span / unit, span);
    }
    return null;
  }

  /** Whether {@code cp[from, from+len)} is not itself a repetition of a shorter unit. */
  private static boolean primitive(int[] cp, int from, int len) {
    for (int p = 1; p <= len / 2; p++) {
      if (len % p != 0) {
        continue;
      }
      int j = 0;
      while (j < len - p && cp[from + j] == cp[from + j + p]) {
        j++;
      }
      if (j == len - p) {
        return false;
      }
    }
    return true;
  }

  private static int requiredSpan(int[] cp, int from, int len) {
    boolean content = false;
    for (int j = from; j < from + len; j++) {
      int c = cp[j];
      if (c == '|') {
        return STRUCTURAL_MIN_SPAN;
      }
      if (Character.isLetterOrDigit(c) || Character.isSupplementaryCodePoint(c)) {
        content = true;
      }
    }
    if (!content) {
      return STRUCTURAL_MIN_SPAN;
    }
    return len <= SHORT_UNIT_MAX ? SHORT_UNIT_MIN_SPAN : MIN_SPAN;
  }
}
