package io.scriptorium.pipeline.parse;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/** Small LaTeX-aware scans: finding closing delimiters past escapes, and checking that a formula pairs up. */
final class Latex {
  private static final int MAX_NAME = 64;
  private static final int MAX_PROBLEMS = 8;

  private Latex() {}

  /**
   * The first {@code closer} in {@code s[from, limit)} that is not escaped ({@code \$} is a dollar sign, and in
   * {@code \\]} the bracket follows a line break, not a backslash); -1 when there is none.
   */
  static int findClose(String s, int from, int limit, String closer) {
    int len = closer.length();
    boolean escapedCloser = closer.charAt(0) == '\\';
    int j = from;
    while (j < limit) {
      char c = s.charAt(j);
      if (c == '\\') {
        if (escapedCloser && j + len <= limit && s.startsWith(closer, j)) {
          return j;
        }
        j += 2;
        continue;
      }
      if (!escapedCloser && c == closer.charAt(0) && j + len <= limit && s.startsWith(closer, j)) {
        return j;
      }
      j++;
    }
    return -1;
  }

  /** The closing {@code $} of inline math opened before {@code from}: unescaped and not followed by a digit. */
  static int findDollarClose(String s, int from, int limit) {
    int j = from;
    while (j < limit) {
      char c = s.charAt(j);
      if (c == '\\') {
        j += 2;
        continue;
      }
      if (c == '$' && !(j + 1 < limit && Character.isDigit(s.charAt(j + 1)))) {
        return j;
      }
      j++;
    }
    return -1;
  }

  /**
   * What does not pair up in {@code latex}: braces, {@code \begin{..}}/{@code \end{..}} environments and
   * {@code \left}/{@code \right}. Empty when everything pairs.
   */
  static List<String> imbalances(String latex) {
    List<String> problems = new ArrayList<>();
    Deque<String> environments = new ArrayDeque<>();
    int braces = 0;
    int lefts = 0;
    boolean strayBrace = false;
    boolean strayRight = false;
    int n = latex.length();
    int i = 0;
    while (i < n) {
      char c = latex.charAt(i);
      if (c == '\\') {
        int j = i + 1;
        while (j < n && isLetter(latex.charAt(j))) {
          j++;
        }
        if (j == i + 1) {
          i = Math.min(n, i + 2);
          continue;
        }
        String command = latex.substring(i + 1, j);
        i = j;
        switch (command) {
          case "begin", "end" -> {
            int k = skipSpaces(latex, j);
            int close = k < n && latex.charAt(k) == '{' ? closingBrace(latex, k) : -1;
            if (close < 0) {
              add(problems, "\\" + command + " without an environment name");
              continue;
            }
            String name = latex.substring(k + 1, close).strip();
            i = close + 1;
            if (command.equals("begin")) {
              environments.push(name);
            } else if (environments.isEmpty() || !environments.peek().equals(name)) {
              add(problems, "\\end{" + name + "} without a matching \\begin");
            } else {
              environments.pop();
            }
          }
          case "left" -> lefts++;
          case "right" -> {
            if (lefts == 0) {
              strayRight = true;
            } else {
              lefts--;
            }
          }
          default -> { }
        }
        continue;
      }
      if (c == '{') {
        braces++;
      } else if (c == '}') {
        if (braces == 0) {
          strayBrace = true;
        } else {
          braces--;
        }
      }
      i++;
    }
    if (strayBrace) {
      problems.add("'}' without '{'");
    }
    if (braces > 0) {
      problems.add(braces + " '{' not closed");
    }
    if (!environments.isEmpty()) {
      problems.add("\\begin{" + environments.peek() + "} not closed");
    }
    if (strayRight) {
      problems.add("\\right without \\left");
    }
    if (lefts > 0) {
      problems.add(lefts + " \\left without \\right");
    }
    return problems;
  }

  /** The '}' closing an environment name that opens at {@code open}; names are short, so look no further. */
  private static int closingBrace(String s, int open) {
    int limit = Math.min(s.length(), open + MAX_NAME);
    for (int i = open + 1; i < limit; i++) {
      if (s.charAt(i) == '}') {
        return i;
      }
    }
    return -1;
  }

  private static void add(List<String> problems, String problem) {
    if (problems.size() < MAX_PROBLEMS) {
      problems.add(problem);
    }
  }

  private static boolean isLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  private static int skipSpaces(String s, int i) {
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
      i++;
    }
    return i;
  }
}
