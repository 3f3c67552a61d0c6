package io.scriptorium.udfs;

import static org.apache.spark.sql.functions.udf;

import io.scriptorium.pipeline.eval.TextMetrics;
import io.scriptorium.pipeline.text.EditDistance;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.types.DataTypes;

/**
 * Edit-distance metrics over Unicode code points (a CJK character or an emoji counts once). {@code ocr_cer} is
 * {@code eval}'s CER ({@link TextMetrics#cer}), so a query and an evaluation give the same figure for the same texts.
 */
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
            "_FUNC_(prediction, reference) - Returns the character error rate as eval scores it: both texts in "
                + "Unicode NFC with whitespace runs collapsed to one space and trimmed, then Levenshtein distance over "
                + "code points divided by the reference length (it can exceed 1); 0.0 when both are empty, 1.0 when "
                + "the reference is empty and the prediction is not. NULL if an argument is NULL or too long (see ocr_ned).",
            "prediction - recognised text\n"
                + "reference - ground truth",
            "> SELECT _FUNC_('hallo', 'hello');\n 0.2",
            Map.of(2, () -> udf((UDF2<Object, Object, Double>) (p, r) -> cer(Args.string(p), Args.string(r)),
                DataTypes.DoubleType))));
  }

  static Double ned(String a, String b) {
    if (!comparable(a) || !comparable(b)) {
      return null;
    }
    return EditDistance.normalised(EditDistance.codePoints(a), EditDistance.codePoints(b));
  }

  static Double cer(String prediction, String reference) {
    if (!comparable(prediction) || !comparable(reference)) {
      return null;
    }
    return TextMetrics.cer(prediction, reference);
  }

  /** Not NULL, and short enough to compare in reasonable time. */
  private static boolean comparable(String s) {
    return s != null && s.codePointCount(0, s.length()) <= MAX_CODE_POINTS;
  }
}
