package io.scriptorium.udfs;

import static org.apache.spark.sql.functions.udf;

import java.util.List;
import java.util.Map;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.types.DataTypes;

/** Edit-distance metrics over Unicode code points (a CJK character or an emoji counts once). */
final class MetricFunctions {
  /** Longer strings give NULL: the distance costs time proportional to the product of the lengths. */
  static final int MAX_CODE_POINTS = 50_000;

  private MetricFunctions() {}

  static List<SqlFunction> functions() {
    return List.of(
        new SqlFunction("ocr_ned",
            "_FUNC_(a, b) - Returns the normalised edit distance of two texts: Levenshtein distance over code points "
                + "divided by the longer length, in [0, 1]; 0.0 for two empty texts. NULL if an argument is NULL or "
                + "longer than " + MAX_CODE_POINTS + " code points.",
            "a, b - texts (symmetric)",
            "> SELECT _FUNC_('kitten', 'sitting');\n 0.42857142857142855",
            Map.of(2, () -> udf((UDF2<Object, Object, Double>) (a, b) -> ned(Args.string(a), Args.string(b)),
                DataTypes.DoubleType))),
        new SqlFunction("ocr_cer",
            "_FUNC_(prediction, reference) - Returns the character error rate: Levenshtein distance over code points "
                + "divided by the reference length (it can exceed 1); 0.0 when both are empty. NULL if an argument is "
                + "NULL or too long (see ocr_ned), or the reference is empty and the prediction is not.",
            "prediction - recognised text\n"
                + "reference - ground truth",
            "> SELECT _FUNC_('hallo', 'hello');\n 0.2",
            Map.of(2, () -> udf((UDF2<Object, Object, Double>) (p, r) -> cer(Args.string(p), Args.string(r)),
                DataTypes.DoubleType))));
  }

  static Double ned(String a, String b) {
    int[] x = codePoints(a);
    int[] y = codePoints(b);
    if (x == null || y == null) {
      return null;
    }
    int longer = Math.max(x.length, y.length);
    return longer == 0 ? 0.0 : (double) distance(x, y) / longer;
  }

  static Double cer(String prediction, String reference) {
    int[] x = codePoints(prediction);
    int[] y = codePoints(reference);
    if (x == null || y == null) {
      return null;
    }
    if (y.length == 0) {
      return x.length == 0 ? 0.0 : null;
    }
    return (double) distance(x, y) / y.length;
  }

  private static int[] codePoints(String s) {
    if (s == null || s.codePointCount(0, s.length()) > MAX_CODE_POINTS) {
      return null;
    }
    return s.codePoints().toArray();
  }

  /** Levenshtein distance in two rows, after stripping the common prefix and suffix. */
  static int distance(int[] a, int[] b) {
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
      int ai = a[start + i - 1];
      for (int j = 1; j <= m; j++) {
        int cost = ai == b[start + j - 1] ? 0 : 1;
        current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[m];
  }
}
