package io.scriptorium.pipeline.parse;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses spotting answers in both forms the model's output takes.
 *
 * <ul>
 *   <li>Special tokens kept: {@code <ref>TEXT</ref><quad>(x1,y1),(x2,y2)</quad>} repeated. Text inside
 *       {@code <ref>} is taken literally, parentheses and digits included.
 *   <li>Special tokens skipped (the HF and vLLM default): {@code TEXT(x1,y1),(x2,y2)} concatenated. Text runs up to
 *       the next coordinate pair; when pairs follow each other with nothing between, all but the last belong to the
 *       text ({@code f(x)=2(3,4)(10,20),(30,40)} is the text {@code f(x)=2(3,4)} with box (10,20),(30,40)).
 * </ul>
 *
 * Both may mix in one answer. {@code <pos_N>} and other {@code <｜..｜>} special tokens are removed; a missing
 * {@code </ref>} or {@code </quad>} is tolerated; text after the last box is kept without a box.
 */
final class SpottingParser {
  private static final String REF = "<ref>";
  private static final String REF_END = "</ref>";
  private static final String QUAD = "<quad>";
  private static final String QUAD_END = "</quad>";

  private final Warnings warnings = new Warnings();
  private final List<Spot> spots = new ArrayList<>();
  private Finder refs;
  private Finder refEnds;
  private Finder quads;
  private Finder quadEnds;

  private SpottingParser() {}

  static ParseResult<Spot> parse(String raw) {
    SpottingParser p = new SpottingParser();
    String text = SpecialTokens.strip(RepetitionTrimmer.prepare(raw, p.warnings), p.warnings);
    if (text.isBlank()) {
      p.warnings.add(ParseWarning.EMPTY_OUTPUT, "no spotting output");
    } else if (text.contains(REF) || text.contains(QUAD)) {
      p.tagged(text);
    } else {
      p.untagged(text, 0, text.length(), true);
    }
    return new ParseResult<>(p.spots, p.warnings.list());
  }

  /** The special-tokens form, with untagged stretches between items parsed as the other form. */
  private void tagged(String s) {
    refs = new Finder(s, REF);
    refEnds = new Finder(s, REF_END);
    quads = new Finder(s, QUAD);
    quadEnds = new Finder(s, QUAD_END);
    int n = s.length();
    int pos = 0;
    while (pos < n) {
      int ref = refs.next(pos);
      int quad = quads.next(pos);
      int next = firstOf(ref, quad);
      if (next < 0) {
        untagged(s, pos, n, true);
        return;
      }
      if (next == quad) {
        // A box without <ref>: whatever text precedes it is its text.
        String pending = untagged(s, pos, quad, false);
        pos = readQuad(s, quad, pending);
        continue;
      }
      untagged(s, pos, ref, true);
      int textStart = ref + REF.length();
      int nextRef = refs.next(textStart);
      int nextQuad = quads.next(textStart);
      int bound = firstOf(nextRef, nextQuad) < 0 ? n : firstOf(nextRef, nextQuad);
      int refEnd = refEnds.next(textStart);
      if (refEnd >= 0 && refEnd <= bound) {
        String text = s.substring(textStart, refEnd);
        int after = skipSpaces(s, refEnd + REF_END.length(), n);
        if (s.startsWith(QUAD, after)) {
          pos = readQuad(s, after, text);
        } else {
          pos = bareBoxOrNone(s, after, bound, text);
        }
      } else {
        // No </ref>: the stretch up to the next tag is read as the untagged form.
        warnings.add(ParseWarning.MALFORMED_MARKUP, "<ref> without </ref> near " + Warnings.excerpt(s.substring(ref)));
        String pending = untagged(s, textStart, bound, false);
        if (bound < n && bound == nextQuad) {
          pos = readQuad(s, bound, pending);
        } else {
          addUnboxed(pending);
          pos = bound;
        }
      }
    }
  }

  /** Reads {@code <quad>..</quad>} at {@code quad} as the box of {@code text}; returns where to go on. */
  private int readQuad(String s, int quad, String text) {
    int n = s.length();
    int start = quad + QUAD.length();
    int nextRef = refs.next(start);
    int nextQuad = quads.next(start);
    int bound = firstOf(nextRef, nextQuad) < 0 ? n : firstOf(nextRef, nextQuad);
    int end = quadEnds.next(start);
    boolean closed = end >= 0 && end <= bound;
    int limit = closed ? end : bound;
    BoxScanner.Match m = BoxScanner.matchAt(s, start, limit);
    if (m == null) {
      warnings.add(ParseWarning.MALFORMED_BOX,
          "unreadable box " + Warnings.excerpt(s.substring(start, limit)) + " for " + Warnings.excerpt(text));
      add(text, null);
      return closed ? end + QUAD_END.length() : limit;
    }
    addBoxed(text, m);
    if (closed) {
      String rest = s.substring(m.end(), end);
      if (!rest.isBlank()) {
        warnings.add(ParseWarning.MALFORMED_MARKUP, "ignored " + Warnings.excerpt(rest) + " inside <quad>");
      }
      return end + QUAD_END.length();
    }
    warnings.add(ParseWarning.MALFORMED_MARKUP, "<quad> without </quad> for " + Warnings.excerpt(text));
    return m.end();
  }

  /** After {@code </ref>} with no {@code <quad>}: a bare pair right there is the box, else the text has none. */
  private int bareBoxOrNone(String s, int at, int bound, String text) {
    BoxScanner.Match m = BoxScanner.matchAt(s, at, bound);
    if (m != null) {
      warnings.add(ParseWarning.MALFORMED_MARKUP, "box without <quad> for " + Warnings.excerpt(text));
      addBoxed(text, m);
      return m.end();
    }
    addUnboxed(text);
    return at;
  }

  /**
   * Parses {@code s[from, to)} in the untagged form and adds its items. The text after the last box is added without
   * a box when {@code flushTail}, and returned otherwise (for a following {@code <quad>} to box).
   */
  private String untagged(String s, int from, int to, boolean flushTail) {
    int pos = from;
    int textStart = from;
    BoxScanner.Match pending = null;
    while (pos < to) {
      BoxScanner.Match m = BoxScanner.find(s, pos, to);
      if (m == null) {
        break;
      }
      if (pending != null && s.substring(pending.end(), m.start()).isBlank()) {
        // Back-to-back pairs: the earlier one is part of the text.
        pending = m;
      } else {
        if (pending != null) {
          addBoxed(s.substring(textStart, pending.start()), pending);
          textStart = pending.end();
        }
        pending = m;
      }
      pos = m.end();
    }
    if (pending != null) {
      addBoxed(s.substring(textStart, pending.start()), pending);
      textStart = pending.end();
    }
    String tail = s.substring(textStart, to);
    if (flushTail) {
      addUnboxed(tail);
      return "";
    }
    return tail;
  }

  private void addBoxed(String text, BoxScanner.Match m) {
    String clean = clean(text);
    if (m.outOfGrid()) {
      warnings.add(ParseWarning.BOX_CLAMPED, "box " + Warnings.excerpt(m.x1() + "," + m.y1() + "," + m.x2() + ","
          + m.y2()) + " of line " + spots.size() + " clamped to 0..1000");
    }
    if (m.reversed()) {
      warnings.add(ParseWarning.MALFORMED_BOX, "corners of line " + spots.size() + " given in reverse order");
    }
    add(clean, m.box());
  }

  private void addUnboxed(String text) {
    String clean = clean(text);
    if (clean.isEmpty()) {
      return;
    }
    warnings.add(ParseWarning.MISSING_BOX, "no box for " + Warnings.excerpt(clean));
    add(clean, null);
  }

  private void add(String text, Box box) {
    spots.add(new Spot(spots.size(), clean(text), box));
  }

  /** Drops leftover tags of this format and surrounding whitespace. */
  private static String clean(String text) {
    String t = text;
    if (t.indexOf('<') >= 0) {
      t = t.replace(REF, "").replace(REF_END, "").replace(QUAD, "").replace(QUAD_END, "");
    }
    return t.strip();
  }

  private static int firstOf(int a, int b) {
    if (a < 0) {
      return b;
    }
    if (b < 0) {
      return a;
    }
    return Math.min(a, b);
  }

  private static int skipSpaces(String s, int p, int limit) {
    while (p < limit && BoxScanner.isSpace(s.charAt(p))) {
      p++;
    }
    return p;
  }
}
