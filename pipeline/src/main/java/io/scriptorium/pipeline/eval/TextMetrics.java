package io.scriptorium.pipeline.eval;

import java.text.Normalizer;
import java.util.regex.Pattern;

/**
 * Page text metrics.
 *
 * <ul>
 *   <li>{@link #ned}: OmniDocBench-style normalised edit distance. Both texts are cleaned the way OmniDocBench cleans
 *       text before its edit distance: literal tab/newline escapes ({@code \t}, {@code \n}, {@code /t}, {@code /n}, as
 *       they occur in its annotations) and every character that is not a letter, digit or underscore are removed, so
 *       whitespace, punctuation and Markdown syntax do not count. Then Levenshtein distance over code points divided
 *       by the longer length: 0 is perfect, 1 is nothing right.
 *   <li>{@link #cer}: character error rate against the reference: Unicode NFC, whitespace runs collapsed to one space
 *       and trimmed, then Levenshtein distance over code points divided by the reference length (can exceed 1).
 * </ul>
 */
public final class TextMetrics {
  private static final Pattern ESCAPES = Pattern.compile("\\\\t|\\\\n|/t|/n");
  private static final Pattern NOT_WORD = Pattern.compile("[^\\p{L}\\p{N}_]+");
  private static final Pattern SPACES = Pattern.compile("\\s+");

  private TextMetrics() {}

  /** OmniDocBench's cleaning: escapes and everything but letters, digits and underscore removed. */
  public static String omniNormalise(String text) {
    if (text == null) {
      return "";
    }
    return NOT_WORD.matcher(ESCAPES.matcher(text).replaceAll("")).replaceAll("");
  }

  /** NFC, whitespace collapsed to single spaces, trimmed. */
  public static String cerNormalise(String text) {
    if (text == null) {
      return "";
    }
    return SPACES.matcher(Normalizer.normalize(text, Normalizer.Form.NFC)).replaceAll(" ").strip();
  }

  /** OmniDocBench-style normalised edit distance, in [0, 1]. */
  public static double ned(String prediction, String reference) {
    return EditDistance.normalised(
        EditDistance.codePoints(omniNormalise(prediction)), EditDistance.codePoints(omniNormalise(reference)));
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
    return cerNormalise(reference).codePointCount(0, cerNormalise(reference).length());
  }
}
