package io.scriptorium.pipeline.parse;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds math inside running text: {@code $..$} and {@code \(..\)} (inline), {@code $$..$$} and {@code \[..\]} (display
 * inside a line). A {@code $} closes inline math only when no digit follows it, so prices such as {@code $10 or $20}
 * stay text; math with nothing but spaces inside is not math. Linear: once a closer is known to be missing from
 * some position on, no later opener looks for it again.
 */
final class InlineMath {
  /** Math at {@code [start, end)} of the text, with its content at {@code [contentStart, contentEnd)}. */
  record Span(int start, int end, int contentStart, int contentEnd, boolean display) {}

  private InlineMath() {}

  static List<Span> scan(String text) {
    List<Span> spans = new ArrayList<>();
    int n = text.length();
    int noDollar = Integer.MAX_VALUE;
    int noDoubleDollar = Integer.MAX_VALUE;
    int noParen = Integer.MAX_VALUE;
    int noBracket = Integer.MAX_VALUE;
    int i = 0;
    while (i < n) {
      char c = text.charAt(i);
      if (c == '\\' && i + 1 < n) {
        char d = text.charAt(i + 1);
        if ((d == '(' && i < noParen) || (d == '[' && i < noBracket)) {
          String closer = d == '(' ? "\\)" : "\\]";
          int close = Latex.findClose(text, i + 2, n, closer);
          if (close < 0) {
            if (d == '(') {
              noParen = i;
            } else {
              noBracket = i;
            }
          } else if (!text.substring(i + 2, close).isBlank()) {
            spans.add(new Span(i, close + 2, i + 2, close, d == '['));
            i = close + 2;
            continue;
          }
        }
        i += 2;
        continue;
      }
      if (c == '$') {
        boolean isDouble = i + 1 < n && text.charAt(i + 1) == '$';
        if (isDouble) {
          int close = i < noDoubleDollar ? Latex.findClose(text, i + 2, n, "$$") : -1;
          if (close < 0) {
            noDoubleDollar = Math.min(noDoubleDollar, i);
          } else if (!text.substring(i + 2, close).isBlank()) {
            spans.add(new Span(i, close + 2, i + 2, close, true));
            i = close + 2;
            continue;
          }
          i += 2;
          continue;
        }
        int close = i < noDollar ? Latex.findDollarClose(text, i + 1, n) : -1;
        if (close < 0) {
          noDollar = Math.min(noDollar, i);
        } else if (!text.substring(i + 1, close).isBlank()) {
          spans.add(new Span(i, close + 1, i + 1, close, false));
          i = close + 1;
          continue;
        }
      }
      i++;
    }
    return spans;
  }
}
