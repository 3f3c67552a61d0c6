package io.scriptorium.pipeline.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.scriptorium.testing.UnitTest;
import org.junit.jupiter.api.Test;

@UnitTest
class TableParserTest {
  @Test
  void eoleSampleGivesItsGridWithColspans() {
    Table table = OutputParsers.table(Samples.TABLE_EOLE);

    assertThat(table.caption()).isEqualTo("Table 1 | Multi resolution support of DeepEncoder. ...");
    assertThat(table.rows()).isEqualTo(2);
    assertThat(table.cols()).isEqualTo(7);
    assertThat(table.cells()).extracting(Cell::row, Cell::col, Cell::rowspan, Cell::colspan, Cell::text)
        .containsExactly(
            tuple(0, 0, 1, 1, ""),
            tuple(0, 1, 1, 4, "Native Resolution"),
            tuple(0, 5, 1, 2, "Dynamic Resolution"),
            tuple(1, 0, 1, 1, "Mode"),
            tuple(1, 1, 1, 1, "Tiny"));
    // The sample's "..." between cells is text a browser moves out of the table.
    assertThat(table.warnings()).extracting(ParseWarning::code).containsExactly(ParseWarning.EXTRA_TEXT);
    assertThat(table.sanitisedHtml()).isEqualTo("<table><caption>Table 1 | Multi resolution support of "
        + "DeepEncoder. ...</caption><tbody><tr><td></td><td colspan=\"4\">Native Resolution</td><td colspan=\"2\">"
        + "Dynamic Resolution</td></tr><tr><td>Mode</td><td>Tiny</td></tr></tbody></table>");
  }

  @Test
  void rowspansPushLaterCellsRight() {
    Table table = OutputParsers.table("<table><tr><th rowspan=\"2\">A</th><th colspan=\"2\">B</th></tr>"
        + "<tr><td>b1</td><td>b2</td></tr><tr><td>x</td><td>y</td><td>z</td></tr></table>");

    assertThat(table.cells()).extracting(Cell::row, Cell::col, Cell::text).containsExactly(
        tuple(0, 0, "A"), tuple(0, 1, "B"), tuple(1, 1, "b1"), tuple(1, 2, "b2"),
        tuple(2, 0, "x"), tuple(2, 1, "y"), tuple(2, 2, "z"));
    assertThat(table.rows()).isEqualTo(3);
    assertThat(table.cols()).isEqualTo(3);
    assertThat(table.warnings()).isEmpty();
  }

  @Test
  void toleratesAStrayCellBeforeTheFirstRowAndUnclosedTags() {
    Table table = OutputParsers.table("<table><caption>T</caption><td>stray<tr><td>a<td>b<tr><td colspan=2>c");

    assertThat(table.cells()).extracting(Cell::row, Cell::col, Cell::colspan, Cell::text).containsExactly(
        tuple(0, 0, 1, "stray"), tuple(1, 0, 1, "a"), tuple(1, 1, 1, "b"), tuple(2, 0, 2, "c"));
    assertThat(table.caption()).isEqualTo("T");
    assertThat(table.rows()).isEqualTo(3);
    assertThat(table.cols()).isEqualTo(2);
  }

  @Test
  void keepsOnlyTableMarkupAndSaneSpans() {
    Table table = OutputParsers.table("<table style=\"x\" onclick=\"evil()\"><tr>"
        + "<td class=\"c\" colspan=\"2\" onmouseover=\"x()\"><b>bold</b> <img src=x onerror=alert(1)>text"
        + "<script>alert('td')</script><style>td{}</style></td>"
        + "<td rowspan=\"0\" colspan=\"99999\">z</td><td colspan=\"2.5\">w</td></tr></table>");

    assertThat(table.sanitisedHtml()).isEqualTo(
        "<table><tbody><tr><td colspan=\"2\">bold text</td><td>z</td><td>w</td></tr></tbody></table>");
    assertThat(table.cells()).extracting(Cell::col, Cell::colspan).containsExactly(
        tuple(0, 2), tuple(2, 1), tuple(3, 1));
    assertThat(table.warnings()).extracting(ParseWarning::code)
        .containsExactly(ParseWarning.HTML_SANITISED, ParseWarning.HTML_SANITISED);
    assertThat(table.warnings().get(0).message()).contains("<script>", "<img>", "onclick=", "onerror=", "class=");
  }

  @Test
  void textThatLooksLikeMarkupIsEscaped() {
    Table table = OutputParsers.table("<table><tr><td>a &lt;script&gt; b &amp; c</td></tr></table>");

    assertThat(table.cells().get(0).text()).isEqualTo("a <script> b & c");
    assertThat(table.sanitisedHtml()).contains("a &lt;script&gt; b &amp; c");
  }

  @Test
  void rowspanPastTheLastRowIsClipped() {
    Table table = OutputParsers.table("<table><tr><td rowspan=\"5\">a</td><td>b</td></tr><tr><td>c</td></tr></table>");

    assertThat(table.cells()).extracting(Cell::rowspan).containsExactly(2, 1, 1);
    assertThat(table.sanitisedHtml()).contains("<td rowspan=\"2\">a</td>");
    assertThat(table.warnings()).extracting(ParseWarning::code).containsExactly(ParseWarning.SPAN_CLIPPED);
  }

  @Test
  void rowsWithoutATableAreWrapped() {
    Table table = OutputParsers.table("<tr><td>1</td><td>2</td></tr>");

    assertThat(table.cells()).extracting(Cell::text).containsExactly("1", "2");
    assertThat(table.warnings()).extracting(ParseWarning::code).containsExactly(ParseWarning.MALFORMED_MARKUP);
  }

  @Test
  void commentaryAroundAFencedTableIsReported() {
    Table table = OutputParsers.table("Here is the table:\n```html\n<table><tr><td>1</td></tr></table>\n```");

    assertThat(table.cells()).extracting(Cell::text).containsExactly("1");
    assertThat(table.warnings()).extracting(ParseWarning::code).containsExactly(ParseWarning.EXTRA_TEXT);
  }

  @Test
  void noTableGivesAnEmptyTableWithAWarning() {
    Table table = OutputParsers.table("| a | b |\n|---|---|");

    assertThat(table.cells()).isEmpty();
    assertThat(table.sanitisedHtml()).isEmpty();
    assertThat(table.warnings()).extracting(ParseWarning::code).containsExactly(ParseWarning.NO_TABLE);
    assertThat(OutputParsers.table(null).warnings()).extracting(ParseWarning::code)
        .containsExactly(ParseWarning.EMPTY_OUTPUT);
  }

  @Test
  void nestedTablesBecomeCellText() {
    Table table = OutputParsers.table("<table><tr><td><table><tr><td>in</td></tr></table></td><td>x</td></tr>"
        + "</table>");

    assertThat(table.cells()).extracting(Cell::text).containsExactly("in", "x");
    assertThat(table.sanitisedHtml()).isEqualTo("<table><tbody><tr><td>in</td><td>x</td></tr></tbody></table>");
  }
}
