package io.scriptorium.pipeline.eval;

import io.scriptorium.pipeline.text.EditDistance;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Text metrics.
 *
 * <ul>
 *   <li>{@link #ned} ({@code text_ned}): OmniDocBench's normalised edit distance of one text block, as its
 *       {@code Edit_dist} metric computes it: each side is {@link #omniNormalise normalised}; a side whose
 *       normalisation is empty is compared raw (OmniDocBench's {@code norm_x if norm_x else x}); then Levenshtein
 *       distance over code points divided by the longer length (0 perfect, 1 nothing right); no score when both are
 *       empty.
 *   <li>{@link #cer} ({@code cer}): our character error rate against the reference: Unicode NFC, whitespace runs
 *       collapsed to one space and trimmed, then Levenshtein distance over code points divided by the reference
 *       length (it can exceed 1). No published table uses it; it is the figure OCR papers outside the benchmarks
 *       report.
 * </ul>
 */
public final class TextMetrics {
  private static final Pattern INLINE = Pattern.compile("\\$(.*?)\\$|\\\\\\((.*?)\\\\\\)", Pattern.UNIX_LINES);
  private static final Pattern ESCAPED = Pattern.compile("\\\\([\\\\_&%^])");
  private static final Pattern SPACES = Pattern.compile("\\s+");

  private TextMetrics() {}

  /**
   * OmniDocBench's text normalisation, {@code clean_string(textblock2unicode(text))}: inline math ({@code $...$},
   * {@code \(...\)}) that has a backslash, {@code ^} or {@code _} once {@code \\ \_ \& \% \^} escapes are deleted is
   * replaced by its text ({@link LatexText}); then the escape sequences {@code \t}, {@code \n} (backslash and letter),
   * tab, newline, {@code /t}, {@code /n} are removed one after another (so removing one can expose another), and
   * every character that is not a Python word character or a CJK ideograph.
   */
  public static String omniNormalise(String text) {
    return text == null ? "" : clean(textblockToUnicode(text));
  }

  /** OmniDocBench's {@code textblock2unicode}. */
  static String textblockToUnicode(String text) {
    record Replacement(int start, int end, String text) {}
    List<Replacement> replacements = new ArrayList<>();
    Matcher m = INLINE.matcher(text);
    while (m.find()) {
      String content = m.group(1) != null ? m.group(1) : m.group(2);
      String clean = ESCAPED.matcher(content).replaceAll("");
      if (clean.indexOf('\\') >= 0 || clean.indexOf('^') >= 0 || clean.indexOf('_') >= 0) {
        if (clean.endsWith("\\")) {
          clean += " ";
        }
        try {
          replacements.add(new Replacement(m.start(), m.end(), Py.strip(LatexText.toText(clean))));
        } catch (LatexText.Failure e) {
          // OmniDocBench leaves a formula its converter fails on as it was
        }
      }
    }
    StringBuilder out = new StringBuilder(text);
    for (int i = replacements.size() - 1; i >= 0; i--) {
      Replacement r = replacements.get(i);
      out.replace(r.start(), r.end(), r.text());
    }
    return out.toString();
  }

  /** OmniDocBench's {@code clean_string}. */
  static String clean(String s) {
    s = s.replace("\\t", "").replace("\\n", "").replace("\t", "").replace("\n", "").replace("/t", "").replace("/n", "");
    StringBuilder out = new StringBuilder(s.length());
    s.codePoints().filter(c -> Py.isWord(c) || (c >= 0x4E00 && c <= 0x9FFF)).forEach(out::appendCodePoint);
    return out.toString();
  }

  /** NFC, whitespace collapsed to single spaces, trimmed. */
  public static String cerNormalise(String text) {
    if (text == null) {
      return "";
    }
    return SPACES.matcher(Normalizer.normalize(text, Normalizer.Form.NFC)).replaceAll(" ").strip();
  }

  /** OmniDocBench text-block NED in [0, 1]; null when both sides are empty (OmniDocBench scores no sample then). */
  public static Double ned(String prediction, String reference) {
    return normalisedEdit(prediction, reference, omniNormalise(prediction), omniNormalise(reference));
  }

  /**
   * OmniDocBench's {@code Edit_dist} of one sample: the normalised forms, or the raw text where a normalised form is
   * empty; Levenshtein distance over the longer length; null when both are empty.
   */
  static Double normalisedEdit(String prediction, String reference, String normPrediction, String normReference) {
    String p = normPrediction.isEmpty() ? (prediction == null ? "" : prediction) : normPrediction;
    String r = normReference.isEmpty() ? (reference == null ? "" : reference) : normReference;
    if (p.isEmpty() && r.isEmpty()) {
      return null;
    }
    return EditDistance.normalised(EditDistance.codePoints(p), EditDistance.codePoints(r));
  }

  /**
   * Character error rate; 0 when both are empty, 1 when only the reference is empty (every predicted character is an
   * insertion with nothing to divide by, counted as one whole error).
   */
  public static double cer(String prediction, String reference) {
    int[] p = EditDistance.codePoints(cerNormalise(prediction));
    int[] r = EditDistance.codePoints(cerNormalise(reference));
    if (r.length == 0) {
      return p.length == 0 ? 0.0 : 1.0;
    }
    return (double) EditDistance.distance(p, r) / r.length;
  }

  /** Length of the reference after {@link #cerNormalise}, the weight of its CER. */
  public static int cerLength(String reference) {
    String n = cerNormalise(reference);
    return n.codePointCount(0, n.length());
  }
}
