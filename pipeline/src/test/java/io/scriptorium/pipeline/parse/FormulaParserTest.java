package io.scriptorium.pipeline.parse;

import static org.assertj.core.api.Assertions.assertThat;

import io.scriptorium.testing.UnitTest;
import org.junit.jupiter.api.Test;

@UnitTest
class FormulaParserTest {
  @Test
  void eoleDisplayFormula() {
    Formula f = OutputParsers.formula(Samples.DISPLAY_EOLE);

    assertThat(f.display()).isTrue();
    assertThat(f.latex()).isEqualTo(Samples.LATEX_EOLE);
    assertThat(f.equationNumber()).isNull();
    assertThat(f.balanced()).isTrue();
    assertThat(f.warnings()).isEmpty();
  }

  @Test
  void removesEachKindOfDelimiter() {
    assertThat(OutputParsers.formula("\\[ a+b \\]")).extracting(Formula::latex, Formula::display)
        .containsExactly("a+b", true);
    assertThat(OutputParsers.formula("\\( a+b \\)")).extracting(Formula::latex, Formula::display)
        .containsExactly("a+b", false);
    assertThat(OutputParsers.formula("$ a+b $")).extracting(Formula::latex, Formula::display)
        .containsExactly("a+b", false);
    assertThat(OutputParsers.formula("a+b")).extracting(Formula::latex, Formula::display)
        .containsExactly("a+b", true);
    assertThat(OutputParsers.formula("```latex\n\\frac{1}{2}\n```").latex()).isEqualTo("\\frac{1}{2}");
  }

  @Test
  void splitsOffTagAndQuadNumbers() {
    Formula tagged = OutputParsers.formula("$$ E = mc^{2} \\tag{3.1} $$");
    assertThat(tagged.latex()).isEqualTo("E = mc^{2}");
    assertThat(tagged.equationNumber()).isEqualTo("3.1");

    Formula starred = OutputParsers.formula("x \\tag*{A2}");
    assertThat(starred.equationNumber()).isEqualTo("A2");

    Formula quad = OutputParsers.formula("\\[ \\left[ U ( x ), \\Pi^{U} ( y ) \\right]=\\delta( x-y ) \\quad (13) \\]");
    assertThat(quad.latex()).isEqualTo("\\left[ U ( x ), \\Pi^{U} ( y ) \\right]=\\delta( x-y )");
    assertThat(quad.equationNumber()).isEqualTo("13");

    assertThat(OutputParsers.formula("y=1 \\qquad \\qquad (2b)").latex()).isEqualTo("y=1");
    assertThat(OutputParsers.formula("y=1 \\quad（7）").equationNumber()).isEqualTo("7");
  }

  @Test
  void aQuadBeforeOrdinaryParenthesesIsNotANumber() {
    String latex = "\\epsilon_i = \\tau_i + \\rho_i, \\quad (\\tau_3 =0 ,\\: \\rho_0 = \\rho_4)";
    Formula f = OutputParsers.formula(latex);

    assertThat(f.latex()).isEqualTo(latex);
    assertThat(f.equationNumber()).isNull();
    assertThat(OutputParsers.formula("f(x) \\quad (x)").equationNumber()).isNull();
  }

  @Test
  void checksBracesEnvironmentsAndLeftRight() {
    assertThat(OutputParsers.formula("\\begin{array}{l} a \\\\ b \\end{array}").balanced()).isTrue();
    assertThat(OutputParsers.formula("\\{ a \\} \\left( x \\right.").balanced()).isTrue();

    Formula brace = OutputParsers.formula("\\frac{1}{2");
    assertThat(brace.balanced()).isFalse();
    assertThat(brace.warnings()).extracting(ParseWarning::code).containsExactly(ParseWarning.UNBALANCED_LATEX);

    assertThat(OutputParsers.formula("\\begin{array}{l} a").balanced()).isFalse();
    assertThat(OutputParsers.formula("\\begin{array} a \\end{matrix}").balanced()).isFalse();
    assertThat(OutputParsers.formula("\\left( x").balanced()).isFalse();
    assertThat(OutputParsers.formula("x \\right)").balanced()).isFalse();
    assertThat(OutputParsers.formula("a } {").balanced()).isFalse();
  }

  @Test
  void anUnclosedDelimiterIsReported() {
    Formula f = OutputParsers.formula("$$ x^2 + 1");

    assertThat(f.latex()).isEqualTo("x^2 + 1");
    assertThat(f.balanced()).isTrue();
    assertThat(f.warnings()).extracting(ParseWarning::code).containsExactly(ParseWarning.UNBALANCED_LATEX);
  }

  @Test
  void emptyAnswer() {
    Formula f = OutputParsers.formula(null);

    assertThat(f.latex()).isEmpty();
    assertThat(f.warnings()).extracting(ParseWarning::code).containsExactly(ParseWarning.EMPTY_OUTPUT);
  }
}
