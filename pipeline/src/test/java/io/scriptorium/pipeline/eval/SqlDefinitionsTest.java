package io.scriptorium.pipeline.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.scriptorium.testing.UnitTest;
import org.junit.jupiter.api.Test;

/**
 * The values the SQL functions ocr_cer and latex_normalize document: they call these definitions, so eval and a query
 * agree (udfs' MetricsAgreeWithEvalTest checks the SQL side).
 */
@UnitTest
class SqlDefinitionsTest {
  @Test
  void cer() {
    assertThat(TextMetrics.cer("abc", "")).as("a prediction against an empty reference").isEqualTo(1.0);
    assertThat(TextMetrics.cer("", "")).isEqualTo(0.0);
    assertThat(TextMetrics.cer("", "abcd")).isEqualTo(1.0);
    assertThat(TextMetrics.cer("hallo", "hello")).isEqualTo(0.2);
    assertThat(TextMetrics.cer("hello world", "hello")).isEqualTo(6 / 5.0);
    assertThat(TextMetrics.cer(" a  b\n", "a b")).as("whitespace runs collapsed, trimmed").isEqualTo(0.0);
    assertThat(TextMetrics.cer("e\u0301", "\u00e9")).as("NFC").isEqualTo(0.0);
  }

  @Test
  void latex() {
    assertThat(LatexNormaliser.normalise("$$\\mathrm{X} \\quad = \\left( a \\right) \\tag{3}$$")).isEqualTo("{x}=(a)");
    assertThat(LatexNormaliser.normalise("$$\\frac{a}{b}\\quad+x^{2} \\tag{3}$$")).isEqualTo("\\frac{a}{b}+x^{2}");
    assertThat(LatexNormaliser.normalise("α + β")).isEqualTo("α+β");
    assertThat(LatexNormaliser.normalise(null)).as("a missing formula reads as empty").isEmpty();
  }
}
