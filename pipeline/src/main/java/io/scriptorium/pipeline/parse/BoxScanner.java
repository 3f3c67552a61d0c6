package io.scriptorium.pipeline.parse;

/**
 * Finds {@code (x1,y1),(x2,y2)} coordinate pairs in model output. Spaces around the numbers and the comma are
 * tolerated, as is a minus sign (clamped later); numbers of any length are read without overflow (saturating).
 */
final class BoxScanner {
  /** Values above this are read as this, far outside the 0..1000 grid either way. */
  private static final long SATURATE = 1_000_000_000L;

  /**
   * A coordinate pair found at {@code [start, end)}, with the values as written (saturated).
   */
  record Match(int start, int end, long x1, long y1, long x2, long y2) {
    /** Whether any value lies outside 0..1000. */
    boolean outOfGrid() {
      return out(x1) || out(y1) || out(x2) || out(y2);
    }

    /** Whether the corners are given as bottom-right, top-left (or mixed). */
    boolean reversed() {
      return x1 > x2 || y1 > y2;
    }

    Box box() {
      return new Box(clamp(x1), clamp(y1), clamp(x2), clamp(y2));
    }

    private static boolean out(long v) {
      return v < 0 || v > Box.GRID;
    }

    private static int clamp(long v) {
      return (int) Math.max(0, Math.min(Box.GRID, v));
    }
  }

  private BoxScanner() {}

  /** The first pair starting at or after {@code from} and ending at or before {@code limit}, or null. */
  static Match find(String s, int from, int limit) {
    int i = s.indexOf('(', from);
    while (i >= 0 && i < limit) {
      Match m = matchAt(s, i, limit);
      if (m != null) {
        return m;
      }
      i = s.indexOf('(', i + 1);
    }
    return null;
  }

  /** The pair starting exactly at {@code start} (after optional spaces), ending at or before {@code limit}, or null. */
  static Match matchAt(String s, int start, int limit) {
    int p = skipSpaces(s, start, limit);
    Cursor c = new Cursor(s, p, limit);
    if (!c.eat('(')) {
      return null;
    }
    long x1 = c.number();
    if (x1 == Long.MIN_VALUE || !c.eat(',')) {
      return null;
    }
    long y1 = c.number();
    if (y1 == Long.MIN_VALUE || !c.eat(')') || !c.eat(',') || !c.eat('(')) {
      return null;
    }
    long x2 = c.number();
    if (x2 == Long.MIN_VALUE || !c.eat(',')) {
      return null;
    }
    long y2 = c.number();
    if (y2 == Long.MIN_VALUE || !c.eat(')')) {
      return null;
    }
    return new Match(p, c.pos, x1, y1, x2, y2);
  }

  /**
   * The last pair in {@code s[from, limit)} that ends exactly at {@code limit} (after trailing spaces are ignored), or
   * null.
   */
  static Match findEndingAt(String s, int from, int limit) {
    int end = limit;
    while (end > from && isSpace(s.charAt(end - 1))) {
      end--;
    }
    if (end <= from || s.charAt(end - 1) != ')') {
      return null;
    }
    // The second point's '(' is the last '(' before end; the first point's '(' the one before that.
    int second = lastParen(s, end - 1, from);
    if (second < 0) {
      return null;
    }
    int first = lastParen(s, second - 1, from);
    if (first < 0) {
      return null;
    }
    Match m = matchAt(s, first, end);
    return m != null && m.end() == end ? m : null;
  }

  /** The last '(' at or before {@code at} and not before {@code from}, or -1. */
  private static int lastParen(String s, int at, int from) {
    for (int i = at; i >= from; i--) {
      if (s.charAt(i) == '(') {
        return i;
      }
    }
    return -1;
  }

  static boolean isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\u00a0' || c == '\u3000';
  }

  private static int skipSpaces(String s, int p, int limit) {
    while (p < limit && isSpace(s.charAt(p))) {
      p++;
    }
    return p;
  }

  private static final class Cursor {
    private final String s;
    private final int limit;
    private int pos;

    Cursor(String s, int pos, int limit) {
      this.s = s;
      this.pos = pos;
      this.limit = limit;
    }

    boolean eat(char expected) {
      int p = skipSpaces(s, pos, limit);
      if (p < limit && s.charAt(p) == expected) {
        pos = p + 1;
        return true;
      }
      return false;
    }

    /** A signed decimal integer, saturated; Long.MIN_VALUE when there is none. */
    long number() {
      int p = skipSpaces(s, pos, limit);
      boolean negative = false;
      if (p < limit && (s.charAt(p) == '-' || s.charAt(p) == '+')) {
        negative = s.charAt(p) == '-';
        p++;
      }
      int digitsStart = p;
      long value = 0;
      while (p < limit && s.charAt(p) >= '0' && s.charAt(p) <= '9') {
        value = Math.min(SATURATE, value * 10 + (s.charAt(p) - '0'));
        p++;
      }
      if (p == digitsStart) {
        return Long.MIN_VALUE;
      }
      pos = p;
      return negative ? -value : value;
    }
  }
}
