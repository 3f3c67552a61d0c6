package io.scriptorium.pipeline.parse;

import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Formula answers and formulas found in documents: delimiters off, equation number split off, balance checked.
 *
 * <p>Equation numbers come from {@code \tag{n}} / {@code \tag*{n}} anywhere, or from a trailing
 * {@code \quad (n)}, {@code \qquad (n)} or {@code \hfill (n)} whose {@code n} looks like an equation label (digits,
 * optionally dotted, with up to three leading letters and one trailing letter: {@code 13}, {@code 2.1}, {@code A3},
 * {@code 4b}), so that {@code \quad (r=1,...,R)} stays part of the formula.
 */
final class FormulaParser {
  static final String LABEL = "[A-Za-z]{0,3}\\d{1,4}(?:[.\\-–]\\d{1,4}){0,3}[a-z]?'?";
  /** A line that is nothing but an equation number, such as {@code (13)}. */
  static final Pattern NUMBER_LINE = Pattern.compile("[(（]\\s*(" + LABEL + ")\\s*[)）]");
  private static final Pattern TRAILING_NUMBER =
      Pattern.compile("\\\\(?:qquad|quad|hfill)\\s*[(（]\\s*(" + LABEL + ")\\s*[)）]\\s*$");
  private static final Pattern TRAILING_SPACING = Pattern.compile("(?:\\s*\\\\(?:qquad|quad|hfill))+\\s*$");
  private static final int TAIL = 80;
  private static final String TAG = "\\tag";

  private FormulaParser() {}

  /** A formula-task answer. Without delimiters the formula counts as display: the task reads a formula crop. */
  static Formula parseAnswer(String raw) {
    Warnings w = new Warnings();
    String s = Fences.unwrap(RepetitionTrimmer.prepare(raw, w), Set.of("latex", "tex", "math", "")).strip();
    if (s.isEmpty()) {
      w.add(ParseWarning.EMPTY_OUTPUT, "no formula output");
      return new Formula(0, 0, true, "", null, true, w.list());
    }
    boolean display = true;
    String inner = s;
    if (s.startsWith("$$")) {
      inner = strip(s, "$$", "$$", w);
    } else if (s.startsWith("\\[")) {
      inner = strip(s, "\\[", "\\]", w);
    } else if (s.startsWith("\\(")) {
      display = false;
      inner = strip(s, "\\(", "\\)", w);
    } else if (s.startsWith("$")) {
      display = false;
      inner = strip(s, "$", "$", w);
    } else if (s.endsWith("$$") && !s.endsWith("\\$$")) {
      w.add(ParseWarning.UNBALANCED_LATEX, "closing $$ without an opening one");
      inner = s.substring(0, s.length() - 2);
    } else if (s.endsWith("\\]")) {
      w.add(ParseWarning.UNBALANCED_LATEX, "closing \\] without an opening \\[");
      inner = s.substring(0, s.length() - 2);
    }
    return of(inner, display, 0, 0, w);
  }

  private static String strip(String s, String open, String close, Warnings w) {
    int end = s.length();
    if (s.length() >= open.length() + close.length() && s.endsWith(close)
        && !(close.equals("$") && s.endsWith("\\$")) && !(close.equals("$$") && s.endsWith("\\$$"))) {
      end -= close.length();
    } else {
      w.add(ParseWarning.UNBALANCED_LATEX, open + " without a closing " + close);
    }
    return s.substring(open.length(), end);
  }

  /**
   * A formula from its content between delimiters. The warnings already in {@code w} (delimiter trouble) become the
   * formula's, followed by balance problems.
   */
  static Formula of(String content, boolean display, int blockOrder, int position, Warnings w) {
    String latex = content.strip();
    String number = null;
    int tag = findTag(latex);
    if (tag >= 0) {
      int open = latex.indexOf('{', tag);
      int close = matchingBrace(latex, open);
      if (close > open) {
        number = latex.substring(open + 1, close).strip();
        latex = (latex.substring(0, tag) + latex.substring(close + 1)).strip();
      }
    } else {
      int from = Math.max(0, latex.length() - TAIL);
      Matcher m = TRAILING_NUMBER.matcher(latex).region(from, latex.length());
      if (m.find()) {
        number = m.group(1);
        latex = latex.substring(0, m.start()).strip();
        Matcher spacing = TRAILING_SPACING.matcher(latex).region(Math.max(0, latex.length() - TAIL), latex.length());
        if (spacing.find()) {
          latex = latex.substring(0, spacing.start()).strip();
        }
      }
    }
    List<String> problems = Latex.imbalances(latex);
    if (!problems.isEmpty()) {
      w.add(ParseWarning.UNBALANCED_LATEX, String.join("; ", problems) + " in " + Warnings.excerpt(latex));
    }
    if (number != null && number.isEmpty()) {
      number = null;
    }
    return new Formula(blockOrder, position, display, latex, number, problems.isEmpty(), w.list());
  }

  /** Start of a {@code \tag{} / \tag*{}} command, or -1. */
  private static int findTag(String latex) {
    int i = latex.indexOf(TAG);
    while (i >= 0) {
      int j = i + TAG.length();
      if (j < latex.length() && latex.charAt(j) == '*') {
        j++;
      }
      while (j < latex.length() && Character.isWhitespace(latex.charAt(j))) {
        j++;
      }
      if (j < latex.length() && latex.charAt(j) == '{') {
        return i;
      }
      i = latex.indexOf(TAG, i + 1);
    }
    return -1;
  }

  /** The '}' matching the '{' at {@code open}, skipping escaped braces; -1 when it is not closed. */
  private static int matchingBrace(String s, int open) {
    if (open < 0) {
      return -1;
    }
    int depth = 0;
    int i = open;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == '\\') {
        i += 2;
        continue;
      }
      if (c == '{') {
        depth++;
      } else if (c == '}') {
        depth--;
        if (depth == 0) {
          return i;
        }
      }
      i++;
    }
    return -1;
  }
}
