package io.scriptorium.pipeline.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.scriptorium.testing.UnitTest;
import java.util.List;
import org.junit.jupiter.api.Test;

@UnitTest
class DocumentParserTest {
  /** The eole recipe's page, assembled from its quoted pieces in their page order. */
  private static final String EOLE_PAGE = Samples.FIG_EOLE + "\n\n" + Samples.HEADING_EOLE + "\n\n"
      + Samples.TABLE_EOLE + "\n\n" + Samples.DISPLAY_EOLE + "\n";

  @Test
  void eolePageGivesFigureHeadingTableAndFormula() {
    ParsedDocument doc = OutputParsers.document(EOLE_PAGE);

    assertThat(doc.blocks()).extracting(Block::order, Block::kind, Block::headingLevel).containsExactly(
        tuple(0, BlockKind.FIGURE, 0), tuple(1, BlockKind.HEADING, 2), tuple(2, BlockKind.TABLE, 0),
        tuple(3, BlockKind.DISPLAY_FORMULA, 0));
    assertThat(doc.blocks().get(1).text()).isEqualTo("3.2.2. Multiple resolution support");
    assertThat(doc.figures()).containsExactly(new Figure(0, "Figure 4 | To test model performance under different "
        + "compression ratios ... multiple resolution modes.", new Box(108, 56, 875, 240)));
    assertThat(doc.tables()).hasSize(1);
    Table table = doc.tables().get(0);
    assertThat(table.blockOrder()).isEqualTo(2);
    assertThat(table.cells()).extracting(Cell::colspan).containsExactly(1, 4, 2, 1, 1);
    assertThat(doc.blocks().get(2).text()).isEqualTo(table.sanitisedHtml());
    assertThat(doc.formulas()).containsExactly(new Formula(3, 0, true, Samples.LATEX_EOLE, null, true, List.of()));
    assertThat(doc.blocks().get(3).text()).isEqualTo(Samples.LATEX_EOLE);
  }

  @Test
  void readmeSamplesGiveFigureAndInlineMath() {
    ParsedDocument doc = OutputParsers.document(Samples.FIG_README + "\n" + Samples.INLINE_README + "\n\n"
        + Samples.INLINE_README_2);

    assertThat(doc.figures()).containsExactly(new Figure(0, "第10题解图", new Box(204, 50, 325, 111)));
    Block eleven = doc.blocks().get(1);
    assertThat(eleven.kind()).isEqualTo(BlockKind.PARAGRAPH);
    assertThat(eleven.text()).isEqualTo(Samples.INLINE_README);
    assertThat(eleven.inlineFormulas()).containsExactly(
        new InlineFormula(3, 16, "x\\geq - 1"), new InlineFormula(17, 27, "x\\ne 0"));
    assertThat(eleven.text().substring(3, 16)).isEqualTo("$ x\\geq - 1 $");
    assertThat(doc.formulas()).extracting(Formula::blockOrder, Formula::position, Formula::display, Formula::latex)
        .containsExactly(
            tuple(1, 0, false, "x\\geq - 1"), tuple(1, 1, false, "x\\ne 0"), tuple(2, 0, false, "\\frac{2}{9}"));
  }

  @Test
  void ncnnSamplesGiveInlineMathAndFigures() {
    ParsedDocument doc = OutputParsers.document(String.join("\n\n", Samples.THYROXINE, Samples.THEOREM,
        Samples.BARE_FIGURE, Samples.TRAILING_COORDS));

    assertThat(doc.blocks()).extracting(Block::kind).containsExactly(
        BlockKind.PARAGRAPH, BlockKind.PARAGRAPH, BlockKind.FIGURE, BlockKind.FIGURE);
    assertThat(doc.formulas()).extracting(Formula::latex)
        .containsExactly("T_{1}", "N\\subset\\widehat{G}", "\\nu(\\iota(N))=N");
    assertThat(doc.figures()).containsExactly(
        new Figure(2, null, new Box(3, 69, 180, 999)),
        new Figure(3, "数据来源于高德地图驾车导航数据", new Box(39, 337, 512, 900)));
    assertThat(doc.warnings()).isEmpty();
  }

  @Test
  void degenerateCoordinateOnlyOutputIsOneFigure() {
    ParsedDocument doc = OutputParsers.document(Samples.DEGENERATE);

    assertThat(doc.blocks()).extracting(Block::kind).containsExactly(BlockKind.FIGURE);
    assertThat(doc.figures()).containsExactly(new Figure(0, null, new Box(156, 68, 783, 758)));
  }

  @Test
  void equationNumberLinesAttachToTheFormulaBefore() {
    ParsedDocument doc = OutputParsers.document("$$\nx = 1\n$$\n\n(13)\n\n\\[ y = 2 \\] (14)\n\n(15)\n");

    assertThat(doc.formulas()).extracting(Formula::latex, Formula::equationNumber)
        .containsExactly(tuple("x = 1", "13"), tuple("y = 2", "14"));
    // (15) follows a formula that already has a number: it stays text.
    assertThat(doc.blocks()).extracting(Block::kind).containsExactly(
        BlockKind.DISPLAY_FORMULA, BlockKind.DISPLAY_FORMULA, BlockKind.PARAGRAPH);
  }

  @Test
  void textBeforeAndAfterATableOnOneLineBecomeParagraphs() {
    ParsedDocument doc = OutputParsers.document("见下表：<table><tr><td>1</td></tr></table>如上。");

    assertThat(doc.blocks()).extracting(Block::kind, Block::text).containsExactly(
        tuple(BlockKind.PARAGRAPH, "见下表："),
        tuple(BlockKind.TABLE, "<table><tbody><tr><td>1</td></tr></tbody></table>"),
        tuple(BlockKind.PARAGRAPH, "如上。"));
  }

  @Test
  void multiLineTablesAndFormulasAreOneBlock() {
    ParsedDocument doc = OutputParsers.document("<table>\n<tr>\n <th>a</th>\n</tr>\n<tr>\n <td>1</td>\n</tr>\n"
        + "</table>\n$$\n\\begin{array}{l}\na \\\\\nb\n\\end{array}\n$$\n\\begin{equation}\nE=mc^2\n\\end{equation}");

    assertThat(doc.blocks()).extracting(Block::kind).containsExactly(
        BlockKind.TABLE, BlockKind.DISPLAY_FORMULA, BlockKind.DISPLAY_FORMULA);
    assertThat(doc.tables().get(0).cells()).extracting(Cell::row, Cell::text)
        .containsExactly(tuple(0, "a"), tuple(1, "1"));
    assertThat(doc.formulas()).extracting(Formula::latex).containsExactly(
        "\\begin{array}{l}\na \\\\\nb\n\\end{array}", "\\begin{equation}\nE=mc^2\n\\end{equation}");
  }

  @Test
  void anUnclosedTableEndsAtTheBlankLine() {
    ParsedDocument doc = OutputParsers.document("<table><tr><td>1</td>\n\nNext paragraph $a$.");

    assertThat(doc.blocks()).extracting(Block::kind).containsExactly(BlockKind.TABLE, BlockKind.PARAGRAPH);
    assertThat(doc.tables().get(0).cells()).extracting(Cell::text).containsExactly("1");
    assertThat(doc.warnings()).extracting(ParseWarning::code).containsExactly(ParseWarning.MALFORMED_MARKUP);
  }

  @Test
  void anOutputCutOffInsideAFormulaSaysSo() {
    ParsedDocument doc = OutputParsers.document("Intro\n\n$$\n\\frac{a}{");

    assertThat(doc.formulas()).extracting(Formula::latex, Formula::balanced)
        .containsExactly(tuple("\\frac{a}{", false));
    assertThat(doc.warnings()).extracting(ParseWarning::code)
        .containsExactly(ParseWarning.TRUNCATED, ParseWarning.UNBALANCED_LATEX);
  }

  @Test
  void listsCodeChartsAndImages() {
    ParsedDocument doc = OutputParsers.document("""
        - Competence.
        * Common focus
          continued here
        1. Sancho picked up a handful of coins.
        ![](./imgs/page_1.jpg)
        ```mermaid
        graph TD
        A-->B
        ```
        ```python
        print(1)

        print(2)
        ```
        | year | sales |
        |---|---:|
        | 2020 | 3 |
        #NotAHeading and ####### neither
        """);

    assertThat(doc.blocks()).extracting(Block::kind, Block::text).containsExactly(
        tuple(BlockKind.LIST_ITEM, "Competence."),
        tuple(BlockKind.LIST_ITEM, "Common focus\n  continued here"),
        tuple(BlockKind.LIST_ITEM, "1. Sancho picked up a handful of coins."),
        tuple(BlockKind.FIGURE, ""),
        tuple(BlockKind.CHART, "graph TD\nA-->B"),
        tuple(BlockKind.CODE, "print(1)\n\nprint(2)"),
        tuple(BlockKind.CHART, "| year | sales |\n|---|---:|\n| 2020 | 3 |"),
        tuple(BlockKind.PARAGRAPH, "#NotAHeading and ####### neither"));
    assertThat(doc.figures()).containsExactly(new Figure(3, null, null));
    assertThat(doc.warnings()).isEmpty();
  }

  @Test
  void headingsCarryTheirLevelAndInlineMath() {
    ParsedDocument doc = OutputParsers.document("# Title\n###### Deep ##\n## The $ \\alpha $ decay");

    assertThat(doc.blocks()).extracting(Block::headingLevel, Block::text)
        .containsExactly(tuple(1, "Title"), tuple(6, "Deep"), tuple(2, "The $ \\alpha $ decay"));
    assertThat(doc.blocks().get(2).inlineFormulas()).containsExactly(new InlineFormula(4, 14, "\\alpha"));
  }

  @Test
  void pricesAreNotMath() {
    ParsedDocument doc = OutputParsers.document("What fraction were $10 or $20 bills? Cost: $5.");

    assertThat(doc.formulas()).isEmpty();
    assertThat(doc.blocks().get(0).inlineFormulas()).isEmpty();
  }

  @Test
  void figureTagWithoutCloseOrBox() {
    ParsedDocument doc = OutputParsers.document("<pFig>Figure 2 caption\n\nText");

    assertThat(doc.figures()).containsExactly(new Figure(0, "Figure 2 caption", null));
    assertThat(doc.warnings()).extracting(ParseWarning::code)
        .containsExactly(ParseWarning.MALFORMED_MARKUP, ParseWarning.MISSING_BOX);
  }

  @Test
  void translationIsADocumentWithItsLanguage() {
    Translation t = OutputParsers.translation(
        "## Results\n\nThe rate $ r $ rose.\n\n<table><tr><td>1</td></tr></table>", " English ");

    assertThat(t.language()).isEqualTo("English");
    assertThat(t.document().blocks()).extracting(Block::kind)
        .containsExactly(BlockKind.HEADING, BlockKind.PARAGRAPH, BlockKind.TABLE);
    assertThat(t.document().formulas()).extracting(Formula::latex).containsExactly("r");
  }

  @Test
  void emptyDocument() {
    ParsedDocument doc = OutputParsers.document(null);

    assertThat(doc.blocks()).isEmpty();
    assertThat(doc.warnings()).extracting(ParseWarning::code).containsExactly(ParseWarning.EMPTY_OUTPUT);
  }
}
