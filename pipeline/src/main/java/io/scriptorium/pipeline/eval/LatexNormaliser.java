package io.scriptorium.pipeline.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * LaTeX normalised for comparison: tokens (a command, an escaped character, or one other character; whitespace
 * dropped), with what does not change the rendered formula's content removed or unified.
 *
 * <ul>
 *   <li>dropped with their argument: {@code \label}, {@code \tag}, {@code \hspace}, {@code \vspace} (starred too);
 *   <li>dropped: spacing ({@code \, \; \: \! \ ~ \quad \qquad \enspace \thinspace}), {@code \nonumber},
 *       {@code \notag}, style switches ({@code \displaystyle} ...), sizing ({@code \left \right \big \Bigl} ...),
 *       {@code \limits}, {@code \nolimits};
 *   <li>unified: {@code \dfrac \tfrac} to {@code \frac}, {@code \le \ge \ne \to \gets} to {@code \leq \geq \neq
 *       \rightarrow \leftarrow}, {@code \rm \bf \it \cal} to {@code \mathrm \mathbf \mathit \mathcal};
 *   <li>groups holding a single token lose their braces ({@code x^{2}} = {@code x^2}), empty groups vanish.
 * </ul>
 *
 * <p>{@link #ned} is the edit distance over these tokens divided by the longer token count.
 */
public final class LatexNormaliser {
  private static final Set<String> DROP_WITH_ARGUMENT = Set.of("\\label", "\\tag", "\\hspace", "\\vspace");
  private static final Set<String> DROP = Set.of(
      "\\,", "\\;", "\\:", "\\!", "\\ ", "~", "\\quad", "\\qquad", "\\enspace", "\\thinspace", "\\nonumber",
      "\\notag", "\\displaystyle", "\\textstyle", "\\scriptstyle", "\\scriptscriptstyle", "\\left", "\\right",
      "\\big", "\\Big", "\\bigg", "\\Bigg", "\\bigl", "\\bigr", "\\Bigl", "\\Bigr", "\\biggl", "\\biggr", "\\Biggl",
      "\\Biggr", "\\bigm", "\\Bigm", "\\limits", "\\nolimits");
  private static final Map<String, String> SYNONYMS = Map.ofEntries(
      Map.entry("\\dfrac", "\\frac"), Map.entry("\\tfrac", "\\frac"), Map.entry("\\le", "\\leq"),
      Map.entry("\\ge", "\\geq"), Map.entry("\\ne", "\\neq"), Map.entry("\\to", "\\rightarrow"),
      Map.entry("\\gets", "\\leftarrow"), Map.entry("\\rm", "\\mathrm"), Map.entry("\\bf", "\\mathbf"),
      Map.entry("\\it", "\\mathit"), Map.entry("\\cal", "\\mathcal"));

  private LatexNormaliser() {}

  /** Raw tokens: commands ({@code \alpha}), escaped characters ({@code \{}), or single code points. */
  public static List<String> tokenize(String latex) {
    List<String> tokens = new ArrayList<>();
    if (latex == null) {
      return tokens;
    }
    int i = 0;
    int n = latex.length();
    while (i < n) {
      int c = latex.codePointAt(i);
      if (Character.isWhitespace(c)) {
        i += Character.charCount(c);
      } else if (c == '\\' && i + 1 < n) {
        int j = i + 1;
        while (j < n && isAsciiLetter(latex.charAt(j))) {
          j++;
        }
        if (j == i + 1) {
          j = i + 1 + Character.charCount(latex.codePointAt(i + 1));
        }
        tokens.add(latex.substring(i, j));
        i = j;
      } else {
        tokens.add(new String(Character.toChars(c)));
        i += Character.charCount(c);
      }
    }
    return tokens;
  }

  /** The normalised tokens described in the class comment. */
  public static List<String> normalise(String latex) {
    List<String> raw = tokenize(latex);
    List<String> kept = new ArrayList<>();
    for (int i = 0; i < raw.size(); i++) {
      String t = raw.get(i);
      if (DROP_WITH_ARGUMENT.contains(t)) {
        int j = i + 1;
        if (j < raw.size() && raw.get(j).equals("*")) {
          j++;
        }
        i = j < raw.size() && raw.get(j).equals("{") ? closing(raw, j) : j - 1;
        continue;
      }
      if (DROP.contains(t)) {
        continue;
      }
      kept.add(SYNONYMS.getOrDefault(t, t));
    }
    return unwrapGroups(kept);
  }

  /** Normalised token edit distance divided by the longer token count, in [0, 1]. */
  public static double ned(String prediction, String reference) {
    return EditDistance.normalisedTokens(normalise(prediction), normalise(reference));
  }

  private static boolean isAsciiLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  /** Index of the brace closing the group opened at {@code open}; the last index when it never closes. */
  private static int closing(List<String> tokens, int open) {
    int depth = 0;
    for (int k = open; k < tokens.size(); k++) {
      if (tokens.get(k).equals("{")) {
        depth++;
      } else if (tokens.get(k).equals("}") && --depth == 0) {
        return k;
      }
    }
    return tokens.size() - 1;
  }

  /** Removes braces around single tokens and empty groups until nothing changes. */
  private static List<String> unwrapGroups(List<String> tokens) {
    List<String> current = tokens;
    boolean changed = true;
    while (changed) {
      changed = false;
      List<String> next = new ArrayList<>(current.size());
      for (int i = 0; i < current.size(); i++) {
        String t = current.get(i);
        if (t.equals("{") && i + 1 < current.size() && current.get(i + 1).equals("}")) {
          i += 1;
          changed = true;
        } else if (t.equals("{") && i + 2 < current.size() && !isBrace(current.get(i + 1))
            && current.get(i + 2).equals("}")) {
          next.add(current.get(i + 1));
          i += 2;
          changed = true;
        } else {
          next.add(t);
        }
      }
      current = next;
    }
    return current;
  }

  private static boolean isBrace(String t) {
    return t.equals("{") || t.equals("}");
  }
}
