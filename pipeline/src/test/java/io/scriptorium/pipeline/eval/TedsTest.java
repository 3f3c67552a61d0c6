package io.scriptorium.pipeline.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** TEDS and the tree edit distance under it, against values worked out by hand. */
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

  @Test
  void identicalTablesScoreOne() {
    assertThat(Teds.teds(Teds.tree(TWO_BY_TWO), Teds.tree(TWO_BY_TWO))).isEqualTo(1.0);
    assertThat(Teds.tedsStructure(Teds.tree(TWO_BY_TWO), Teds.tree(TWO_BY_TWO))).isEqualTo(1.0);
    assertThat(Teds.size(Teds.tree(TWO_BY_TWO))).isEqualTo(7); // table + 2 tr + 4 td
  }

  @Test
  void droppedRow() {
    // delete one tr and its two td: distance 3 over max(7, 4) nodes -> 1 - 3/7
    String oneRow = "<table><tr><td>abcd</td><td>b</td></tr></table>";
    assertThat(Teds.distance(Teds.tree(oneRow), Teds.tree(TWO_BY_TWO), false)).isEqualTo(3.0);
    assertThat(Teds.teds(Teds.tree(oneRow), Teds.tree(TWO_BY_TWO))).isCloseTo(4.0 / 7, within(1e-12));
    assertThat(Teds.tedsStructure(Teds.tree(oneRow), Teds.tree(TWO_BY_TWO))).isCloseTo(4.0 / 7, within(1e-12));
  }

  @Test
  void changedCharacter() {
    // "abcd" -> "abce": rename cost 1/4 -> TEDS 1 - 0.25/7 = 27/28; structure unchanged
    String changed = "<table><tr><td>abce</td><td>b</td></tr><tr><td>c</td><td>d</td></tr></table>";
    assertThat(Teds.teds(Teds.tree(changed), Teds.tree(TWO_BY_TWO))).isCloseTo(27.0 / 28, within(1e-12));
    assertThat(Teds.tedsStructure(Teds.tree(changed), Teds.tree(TWO_BY_TWO))).isEqualTo(1.0);
  }

  @Test
  void mergedCellsCostASpanRenameAndADeletion() {
    // first row's two cells as one colspan=2 cell: rename (span differs, 1) + delete (1) = 2 -> 1 - 2/7
    String merged = "<table><tr><td colspan=\"2\">abcdb</td></tr><tr><td>c</td><td>d</td></tr></table>";
    assertThat(Teds.teds(Teds.tree(merged), Teds.tree(TWO_BY_TWO))).isCloseTo(5.0 / 7, within(1e-12));
    assertThat(Teds.tedsStructure(Teds.tree(merged), Teds.tree(TWO_BY_TWO))).isCloseTo(5.0 / 7, within(1e-12));
  }

  @Test
  void emptyCellsRenameForFree() {
    // an empty cell against an empty cell costs 0; against "x" costs 1 (1 char out of max length 1)
    String a = "<table><tr><td></td><td>x</td></tr></table>";
    String b = "<table><tr><td></td><td></td></tr></table>";
    assertThat(Teds.teds(Teds.tree(a), Teds.tree(b))).isCloseTo(1 - 1.0 / 4, within(1e-12));
  }

  @Test
  void sectionsHeaderCellsAndCaptionsAreNormalisedAway() {
    String withSections = "<table><caption>T1</caption><thead><tr><th>H</th></tr></thead>"
        + "<tbody><tr><td>x</td></tr></tbody></table>";
    String plain = "<table><tr><td>H</td></tr><tr><td>x</td></tr></table>";
    assertThat(Teds.teds(Teds.tree(withSections), Teds.tree(plain))).isEqualTo(1.0);
  }

  @Test
  void wholeTableMissingVersusPresent() {
    // a model answer with no table parses to a bare table node: 1 node vs 7 -> 6 insertions -> 1/7
    assertThat(Teds.teds(Teds.tree("no table here"), Teds.tree(TWO_BY_TWO))).isCloseTo(1.0 / 7, within(1e-12));
  }
}
