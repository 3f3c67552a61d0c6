package io.scriptorium.pipeline.eval;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * OmniDocBench's formula normalisation ({@code normalized_formula} in its {@code utils/data_preprocess.py}), behind
 * {@code formula_ned}, step by step: strip surrounding whitespace, then {@code $} characters, then newlines; keep the
 * content of the first {@code \[...\]}; delete {@code \tag{...}}, {@code \hspace{...}}, {@code \begin{...}},
 * {@code \end{...}} and {@code \arraycolsep...}}; strip surrounding dots; delete, in this order and as plain
 * substrings, font and style commands ({@code \mathbf}, {@code \mathrm}, ... {@code \textbf}, {@code \text}, ...),
 * spacing commands, every space, {@code $$}, {@code \left}, {@code \right} and {@code \displaystyle}; lower-case. The
 * substring deletions are literal, so {@code \textit} becomes {@code it} and {@code \mathbfcal} {@code cal}, as in
 * OmniDocBench. {@link #ned} is the character edit distance of two normalised formulas over the longer length.
 */
public final class LatexNormaliser {
  private static final List<String> FILTERS = List.of("\\mathbf", "\\mathrm", "\\mathnormal", "\\mathit", "\\mathbb",
      "\\mathcal", "\\mathscr", "\\mathfrak", "\\mathsf", "\\mathtt", "\\textbf", "\\text", "\\boldmath",
      "\\boldsymbol", "\\operatorname", "\\bm", "\\symbfit", "\\mathbfcal", "\\symbf", "\\scriptscriptstyle",
      "\\notag", "\\setlength", "\\coloneqq", "\\space", "\\thickspace", "\\thinspace", "\\medspace",
      "\\nobreakspace", "\\negmedspace", "\\quad", "\\qquad", "\\enspace", "\\substackw", " ", "$$", "\\left",
      "\\right", "\\displaystyle", "\\text");
  private static final Pattern DISPLAY = Pattern.compile("\\\\\\[(.+?)(?<!\\\\)\\\\\\]", Pattern.UNIX_LINES);
  private static final List<Pattern> DELETED = List.of(Pattern.compile("\\\\tag\\{.*?\\}", Pattern.UNIX_LINES),
      Pattern.compile("\\\\hspace\\{.*?\\}", Pattern.UNIX_LINES),
      Pattern.compile("\\\\begin\\{.*?\\}", Pattern.UNIX_LINES), Pattern.compile("\\\\end\\{.*?\\}", Pattern.UNIX_LINES),
      Pattern.compile("\\\\arraycolsep.*?\\}", Pattern.UNIX_LINES));

  private LatexNormaliser() {}

  /** The normalised formula described in the class comment. */
  public static String normalise(String latex) {
    if (latex == null) {
      return "";
    }
    String text = Py.strip(Py.strip(Py.strip(latex), "$"), "\n");
    Matcher m = DISPLAY.matcher(text);
    if (m.find()) {
      text = Py.strip(m.group(1));
    }
    for (Pattern p : DELETED) {
      text = p.matcher(text).replaceAll("");
    }
    text = Py.strip(text, ".");
    for (String f : FILTERS) {
      text = text.replace(f, "");
    }
    return text.toLowerCase(java.util.Locale.ROOT);
  }

  /** {@code formula_ned}: OmniDocBench's formula edit distance in [0, 1]; null when both sides are empty. */
  public static Double ned(String prediction, String reference) {
    return TextMetrics.normalisedEdit(prediction, reference, normalise(prediction), normalise(reference));
  }
}
