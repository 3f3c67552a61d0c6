package io.scriptorium.pipeline.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

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
    assertThat(TextMetrics.ned("", "")).isEqualTo(0.0);
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
  void latexNormalisation() {
    assertThat(LatexNormaliser.normalise("x^{2} \\, + \\label{eq:1} y_{i}"))
        .containsExactly("x", "^", "2", "+", "y", "_", "i");
    assertThat(LatexNormaliser.ned("\\frac{a}{b} \\quad", "\\dfrac a b")).isEqualTo(0.0);
    assertThat(LatexNormaliser.ned("\\left( a \\right)", "(a)")).isEqualTo(0.0);
    // a+b=c vs a+b=d: 1 of 5 tokens
    assertThat(LatexNormaliser.ned("a+b=c", "a+b=d")).isCloseTo(1.0 / 5, within(1e-12));
    assertThat(LatexNormaliser.tokenize("\\alpha\\{x\\}")).containsExactly("\\alpha", "\\{", "x", "\\}");
  }
}
