package io.scriptorium.udfs;

import static org.assertj.core.api.Assertions.assertThat;

import io.scriptorium.pipeline.eval.LatexNormaliser;
import io.scriptorium.pipeline.eval.TextMetrics;
import io.scriptorium.testing.SparkTest;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** ocr_cer and latex_normalize give exactly what eval computes, for the cases where they used to disagree too. */
@SparkTest
class MetricsAgreeWithEvalTest {
  private static final String[][] PAIRS = {
    {"abc", ""}, {"", ""}, {"", "abcd"}, {"hallo", "hello"}, {"hello world", "hello"},
    {" hello   world\n", "hello world"}, {"helloworld", "hello world"}, {"北京市", "北京"}, {"a😀c", "abc"},
    {"e\u0301", "\u00e9"}, // NFC: the same letter
  };
  private static final String[] FORMULAS = {
    "$$\\frac{a}{b}\\,+x^{2} \\tag{3}$$", "\\( a\\quad b \\)", "\\[ \\mathrm{X} = \\left( a \\right) \\]",
    "\\{x\\} \\\\ y", "α+β", "\\textit{a}", "\\begin{aligned} a &= b \\end{aligned}", "", "  $x$. ",
  };

  private final SparkSession spark = TestSessions.get();

  @Test
  void ocrCerIsEvalsCer() {
    List<Row> rows = new ArrayList<>();
    for (String[] pair : PAIRS) {
      rows.add(RowFactory.create(pair[0], pair[1]));
    }
    StructType schema = new StructType().add("p", DataTypes.StringType).add("r", DataTypes.StringType);
    List<Row> scored = spark.createDataFrame(rows, schema).selectExpr("p", "r", "ocr_cer(p, r)").collectAsList();
    for (Row row : scored) {
      assertThat(row.getDouble(2)).as("ocr_cer('%s', '%s')", row.getString(0), row.getString(1))
          .isEqualTo(TextMetrics.cer(row.getString(0), row.getString(1)));
    }
    assertThat(scored.get(0).getDouble(2)).as("a prediction against an empty reference").isEqualTo(1.0);
    assertThat(scored.get(5).getDouble(2)).as("whitespace runs collapsed and trimmed").isEqualTo(0.0);
    assertThat(scored.get(9).getDouble(2)).as("compared in NFC").isEqualTo(0.0);
    assertThat(spark.sql("SELECT ocr_cer(NULL, 'a'), ocr_cer('a', NULL)").first().anyNull()).isTrue();
  }

  @Test
  void latexNormalizeIsEvalsFormulaNormalisation() {
    List<Row> rows = new ArrayList<>();
    for (String formula : FORMULAS) {
      rows.add(RowFactory.create(formula));
    }
    StructType schema = new StructType().add("latex", DataTypes.StringType);
    for (Row row : spark.createDataFrame(rows, schema).selectExpr("latex", "latex_normalize(latex)").collectAsList()) {
      assertThat(row.getString(1)).as("latex_normalize('%s')", row.getString(0))
          .isEqualTo(LatexNormaliser.normalise(row.getString(0)));
    }
    // the function's documented example
    assertThat(spark.sql("SELECT latex_normalize('$$\\\\mathrm{X} \\\\quad = \\\\left( a \\\\right) \\\\tag{3}$$')")
        .first().getString(0)).isEqualTo("{x}=(a)");
    assertThat(spark.sql("SELECT latex_normalize(NULL)").first().isNullAt(0)).isTrue();
  }
}
