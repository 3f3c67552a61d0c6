package io.scriptorium.pipeline.text;

import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Levenshtein distance (unit costs) over int sequences: code points, or token ids. Spark-free, shared by the
 * evaluation metrics, the SQL functions and the configuration's did-you-mean.
 */
public final class EditDistance {
  private EditDistance() {}

  /** Distance between two sequences, after stripping their common prefix and suffix; two rows of memory. */
  public static int distance(int[] a, int[] b) {
    int start = 0;
    int endA = a.length;
    int endB = b.length;
    while (start < endA && start < endB && a[start] == b[start]) {
      start++;
    }
    while (endA > start && endB > start && a[endA - 1] == b[endB - 1]) {
      endA--;
      endB--;
    }
    int n = endA - start;
    int m = endB - start;
    if (n == 0 || m == 0) {
      return n + m;
    }
    int[] previous = new int[m + 1];
    int[] current = new int[m + 1];
    for (int j = 0; j <= m; j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= n; i++) {
      current[0] = i;
      int x = a[start + i - 1];
      for (int j = 1; j <= m; j++) {
        int substitute = previous[j - 1] + (x == b[start + j - 1] ? 0 : 1);
        current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[m];
  }

  /** Distance divided by the longer length, in [0, 1]; 0 for two empty sequences. */
  public static double normalised(int[] a, int[] b) {
    int longer = Math.max(a.length, b.length);
    return longer == 0 ? 0.0 : (double) distance(a, b) / longer;
  }

  /** Code points of a string (a CJK character or an emoji counts once). */
  public static int[] codePoints(String s) {
    return s == null ? new int[0] : s.codePoints().toArray();
  }

  /** Normalised distance between two token lists; equal tokens get equal ids. */
  public static double normalisedTokens(List<String> a, List<String> b) {
    Map<String, Integer> ids = new HashMap<>();
    return normalised(ids(a, ids), ids(b, ids));
  }

  private static int[] ids(List<String> tokens, Map<String, Integer> ids) {
    int[] out = new int[tokens.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = ids.computeIfAbsent(tokens.get(i), k -> ids.size());
    }
    return out;
  }

  /**
   * The candidate closest to {@code word} by the distance between their lower-cased code points; ties go to the
   * alphabetically first.
   *
   * @throws java.util.NoSuchElementException when there are no candidates
   */
  public static String nearest(String word, Collection<String> candidates) {
    int[] target = codePoints(word.toLowerCase(Locale.ROOT));
    return candidates.stream()
        .min(Comparator.comparingInt((String c) -> distance(target, codePoints(c.toLowerCase(Locale.ROOT))))
            .thenComparing(Comparator.naturalOrder()))
        .orElseThrow();
  }
}
