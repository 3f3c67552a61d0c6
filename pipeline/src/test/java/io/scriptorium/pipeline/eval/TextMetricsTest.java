package io.scriptorium.pipeline.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.scriptorium.testing.UnitTest;
import org.junit.jupiter.api.Test;

@UnitTest
class TextMetricsTest {
  @Test
  void omniDocBenchCleaningKeepsLettersDigitsAndUnderscoreOnly() {
    assertThat(TextMetrics.omniNormalise("\t(1) 含义：是 /t a_b-c.\n")).isEqualTo("1含义是a_bc");
    assertThat(TextMetrics.omniNormalise("## Title\n\n- item, **bold**")).isEqualTo("Titleitembold");
  }

  @Test
  void perfectAndChangedCharacter() {
    assertThat(TextMetrics.ned("hello world", "hello world")).isEqualTo(0.0);
    assertThat(TextMetrics.cer("hello world", "hello world")).isEqualTo(0.0);
    // one substitution: NED over "helloworld" (10), CER over "hello world" (11)
    assertThat(TextMetrics.ned("hallo world", "hello world")).isCloseTo(1.0 / 10, within(1e-12));
    assertThat(TextMetrics.cer("hallo world", "hello world")).isCloseTo(1.0 / 11, within(1e-12));
  }

  @Test
  void whitespaceAndPunctuationDoNotCountForNedButSpacesDoForCer() {
    assertThat(TextMetrics.ned("hello,   world!", "hello world")).isEqualTo(0.0);
    assertThat(TextMetrics.cer("hello   world", " hello world\n")).isEqualTo(0.0);
    assertThat(TextMetrics.cer("helloworld", "hello world")).isCloseTo(1.0 / 11, within(1e-12));
  }

  @Test
  void emptySides() {
    assertThat(TextMetrics.ned("", "")).isNull();
    assertThat(TextMetrics.ned("", "abc")).isEqualTo(1.0);
    assertThat(TextMetrics.cer("", "abc")).isEqualTo(1.0);
    assertThat(TextMetrics.cer("abc", "")).isEqualTo(1.0);
    assertThat(TextMetrics.cer(null, null)).isEqualTo(0.0);
  }

  @Test
  void codePointsNotCharsCount() {
    // the emoji is one code point (two chars): one substitution in 3
    assertThat(TextMetrics.cer("a\uD83D\uDE00c", "abc")).isCloseTo(1.0 / 3, within(1e-12));
  }

  @Test
  void inlineMathBecomesUnicodeBeforeCleaning() {
    assertThat(TextMetrics.omniNormalise("the $\\alpha_{i}^{2}$ value")).isEqualTo("theα_i2value");
    assertThat(TextMetrics.omniNormalise("$\\mathbf{v}$ and $\\hat{a}$")).isEqualTo("\uD835\uDC2Fandâ");
    // math without \\, ^ or _ stays as written (its $ signs are then cleaned away)
    assertThat(TextMetrics.omniNormalise("$5 g$")).isEqualTo("5g");
    // an unterminated environment makes pylatexenc fail: the formula is left as it was
    assertThat(TextMetrics.omniNormalise("$\\begin{array}{c} a$")).isEqualTo("beginarrayca");
  }

  @Test
  void escapeSequencesAreRemovedOneAfterAnother() {
    // "/\\nn" loses its literal backslash-n first, which leaves "/n", removed in turn
    assertThat(TextMetrics.omniNormalise("a/\\nnb")).isEqualTo("ab");
    assertThat(TextMetrics.omniNormalise("a\\tb/tc")).isEqualTo("abc");
  }

  @Test
  void latexNormalisation() {
    assertThat(LatexNormaliser.normalise("$$ \\mathrm{X} \\quad = \\left( a \\right) \\tag{3} $$")).isEqualTo("{x}=(a)");
    assertThat(LatexNormaliser.normalise("\\[ x \\]")).isEqualTo("x");
    // literal substring deletion: \\text leaves "it" of \\textit
    assertThat(LatexNormaliser.normalise("\\textit{a}")).isEqualTo("it{a}");
    assertThat(LatexNormaliser.ned("a+b=c", "a+b=d")).isCloseTo(1.0 / 5, within(1e-12));
    assertThat(LatexNormaliser.ned("", "")).isNull();
  }
}
