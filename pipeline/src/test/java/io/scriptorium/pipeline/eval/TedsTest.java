package io.scriptorium.pipeline.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.scriptorium.testing.UnitTest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** TEDS and the tree edit distance under it, against values worked out by hand. */
@UnitTest
class TedsTest {
  private static final String TWO_BY_TWO = "<table><tr><td>abcd</td><td>b</td></tr><tr><td>c</td><td>d</td></tr></table>";

  /** A labelled tree for checking Zhang-Shasha itself with unit costs. */
  record T(String label, List<T> kids) {
    static T t(String label, T... kids) {
      return new T(label, List.of(kids));
    }
  }

  private static final TreeEditDistance.Model<T> UNIT = new TreeEditDistance.Model<>() {
    @Override
    public List<T> children(T node) {
      return node.kids();
    }

    @Override
    public double delete(T node) {
      return 1;
    }

    @Override
    public double insert(T node) {
      return 1;
    }

    @Override
    public double rename(T a, T b) {
      return a.label().equals(b.label()) ? 0 : 1;
    }
  };

  @Test
  void zhangShashaPaperExample() {
    // Zhang & Shasha 1989, Fig. 1/2: f(d(a, c(b)), e) -> f(c(d(a, b)), e) costs 2 (delete c, insert c above d)
    T t1 = T.t("f", T.t("d", T.t("a"), T.t("c", T.t("b"))), T.t("e"));
    T t2 = T.t("f", T.t("c", T.t("d", T.t("a"), T.t("b"))), T.t("e"));
    TreeEditDistance<T> ted = new TreeEditDistance<>(UNIT);
    assertThat(ted.distance(t1, t2)).isEqualTo(2.0);
    assertThat(ted.distance(t2, t1)).isEqualTo(2.0);
    assertThat(ted.distance(t1, t1)).isEqualTo(0.0);
    assertThat(ted.size(t1)).isEqualTo(6);
  }

  @Test
  void smallTreesByHand() {
    TreeEditDistance<T> ted = new TreeEditDistance<>(UNIT);
    // a(b, c) -> a(c): delete b
    assertThat(ted.distance(T.t("a", T.t("b"), T.t("c")), T.t("a", T.t("c")))).isEqualTo(1.0);
    // a(b(c, d)) -> a(c, d): delete b, its children move up
    assertThat(ted.distance(T.t("a", T.t("b", T.t("c"), T.t("d"))), T.t("a", T.t("c"), T.t("d")))).isEqualTo(1.0);
    // a(b, c) -> x(c, b): rename the root, and b/c cannot both keep their order: rename both (2) -> 3
    assertThat(ted.distance(T.t("a", T.t("b"), T.t("c")), T.t("x", T.t("c"), T.t("b")))).isEqualTo(3.0);
    // a -> empty-ish: a(b(c(d))) -> d: delete a, b, c
    assertThat(ted.distance(T.t("a", T.t("b", T.t("c", T.t("d")))), T.t("d"))).isEqualTo(3.0);
  }

  private static String doc(String table) {
    return "<html><body>" + table + "</body></html>";
  }

  private static double pub(String p, String t) {
    return Teds.pubTabNet(doc(p), doc(t), false);
  }

  private static double pubStruct(String p, String t) {
    return Teds.pubTabNet(doc(p), doc(t), true);
  }

  @Test
  void identicalTablesScoreOne() {
    assertThat(pub(TWO_BY_TWO, TWO_BY_TWO)).isEqualTo(1.0);
    assertThat(pubStruct(TWO_BY_TWO, TWO_BY_TWO)).isEqualTo(1.0);
    assertThat(Teds.omniDocBench(TWO_BY_TWO, TWO_BY_TWO, false)).isEqualTo(1.0);
    assertThat(LibxmlHtml.bodyTable(doc(TWO_BY_TWO)).descendants()).isEqualTo(6); // 2 tr + 4 td, not the table
  }

  @Test
  void droppedRow() {
    // delete one tr and its two td: distance 3 over max(6, 3) elements below the table -> 1 - 3/6
    String oneRow = "<table><tr><td>abcd</td><td>b</td></tr></table>";
    assertThat(pub(oneRow, TWO_BY_TWO)).isCloseTo(0.5, within(1e-12));
    assertThat(pubStruct(oneRow, TWO_BY_TWO)).isCloseTo(0.5, within(1e-12));
  }

  @Test
  void changedCharacter() {
    // "abcd" -> "abce": rename cost 1/4 -> TEDS 1 - 0.25/6; structure unchanged
    String changed = "<table><tr><td>abce</td><td>b</td></tr><tr><td>c</td><td>d</td></tr></table>";
    assertThat(pub(changed, TWO_BY_TWO)).isCloseTo(1 - 0.25 / 6, within(1e-12));
    assertThat(pubStruct(changed, TWO_BY_TWO)).isEqualTo(1.0);
  }

  @Test
  void mergedCellsCostASpanRenameAndADeletion() {
    // first row's two cells as one colspan=2 cell: rename (span differs, 1) + delete (1) = 2 over 6
    String merged = "<table><tr><td colspan=\"2\">abcdb</td></tr><tr><td>c</td><td>d</td></tr></table>";
    assertThat(pub(merged, TWO_BY_TWO)).isCloseTo(1 - 2.0 / 6, within(1e-12));
    assertThat(pubStruct(merged, TWO_BY_TWO)).isCloseTo(1 - 2.0 / 6, within(1e-12));
  }

  @Test
  void emptyCellsRenameForFree() {
    // an empty cell against an empty cell costs 0; against "x" costs 1 (1 char out of max length 1); 3 elements
    String a = "<table><tr><td></td><td>x</td></tr></table>";
    String b = "<table><tr><td></td><td></td></tr></table>";
    assertThat(pub(a, b)).isCloseTo(1 - 1.0 / 3, within(1e-12));
  }

  @Test
  void pubTabNetKeepsWhitespaceInlineTagsAndThButOmniDocBenchNormalises() {
    String truth = "<table><thead><tr><th>H</th></tr></thead><tbody><tr><td>x y</td></tr></tbody></table>";
    String spaced = "<table><thead><tr><th>H</th></tr></thead><tbody><tr><td> x  y </td></tr></tbody></table>";
    // PubTabNet: tokens " x  y " vs "x y": 3 edits over 6 tokens, 6 elements (thead tr th tbody tr td)
    assertThat(pub(spaced, truth)).isCloseTo(1 - 0.5 / 6, within(1e-12));
    // OmniDocBench: whitespace runs become one space but the leading/trailing ones stay: " x y " vs "x y"
    assertThat(Teds.omniDocBench(spaced, truth, false)).isCloseTo(1 - (2.0 / 5) / 4, within(1e-12));
    // a th is no cell for PubTabNet: its text is not compared at all
    String otherHeader = "<table><thead><tr><th>Q</th></tr></thead><tbody><tr><td>x y</td></tr></tbody></table>";
    assertThat(pub(otherHeader, truth)).isEqualTo(1.0);
    // OmniDocBench turns th into td and drops thead/tbody: 1 of 1 header character wrong over 4 elements
    assertThat(Teds.omniDocBench(otherHeader, truth, false)).isCloseTo(1 - 1.0 / 4, within(1e-12));
    // inline tags are tokens, and elements, for both
    String bold = "<table><thead><tr><th>H</th></tr></thead><tbody><tr><td><b>x y</b></td></tr></tbody></table>";
    assertThat(pub(bold, truth)).isCloseTo(1 - (2.0 / 5) / 7, within(1e-12));
  }

  @Test
  void bareTablesScoreZeroForPubTabNet() {
    // lxml.html.fromstring returns the table element itself, which has no body/table below it
    assertThat(Teds.pubTabNet(TWO_BY_TWO, TWO_BY_TWO, false)).isEqualTo(0.0);
    assertThat(Teds.pubTabNet(doc(TWO_BY_TWO), TWO_BY_TWO, false)).isEqualTo(0.0);
    assertThat(Teds.pubTabNet("", doc(TWO_BY_TWO), false)).isEqualTo(0.0);
  }

  @Test
  void noTableAndEmptyOutputScoreZero() {
    assertThat(Teds.omniDocBench("no table here", TWO_BY_TWO, false)).isEqualTo(0.0);
    assertThat(Teds.omniDocBench("", TWO_BY_TWO, true)).isEqualTo(0.0);
  }

  @Test
  void libxmlClosesCellsAndRowsLikeLxml() {
    LibxmlHtml.Element t = LibxmlHtml.bodyTable(doc("<table><tr><td>a<td>b<tr><td>c</table>"));
    assertThat(t.toString()).isEqualTo("<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>");
    // a td does not end an open sup: the second cell nests inside it, as in libxml2
    LibxmlHtml.Element sup = LibxmlHtml.bodyTable(doc("<table><tr><td><sup>1<td>2</td></tr></table>"));
    assertThat(sup.toString()).isEqualTo("<table><tr><td><sup>1<td>2</td></sup></td></tr></table>");
  }
}
