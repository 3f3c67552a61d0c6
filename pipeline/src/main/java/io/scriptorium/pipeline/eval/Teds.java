package io.scriptorium.pipeline.eval;

import io.scriptorium.pipeline.parse.Cell;
import io.scriptorium.pipeline.parse.OutputParsers;
import io.scriptorium.pipeline.parse.Table;
import java.util.ArrayList;
import java.util.List;

/**
 * Tree-Edit-Distance-based Similarity of tables (Zhong et al., "Image-based table recognition", PubTabNet, 2020):
 * {@code TEDS = 1 - TED(T_pred, T_true) / max(|T_pred|, |T_true|)}, where insertions and deletions cost 1 and a rename
 * costs 1 when the tag, colspan or rowspan differ, otherwise (for two cells) the normalised Levenshtein distance of
 * their text. TEDS-structure ignores cell text.
 *
 * <p>Both sides are read by {@link OutputParsers#table} and rebuilt from its cells as {@code table > tr > td} trees:
 * {@code th} counts as {@code td}; {@code thead}/{@code tbody}/{@code tfoot} wrappers, {@code <caption>} and inline
 * markup ({@code <b>}, {@code <sup>} ...) are left out (HunyuanOCR writes neither {@code thead} nor {@code th}, and
 * OmniDocBench normalises them away too); cell text is whitespace-collapsed and compared by code points.
 */
public final class Teds {
  /** A node of a table tree. */
  public record Node(String tag, int colspan, int rowspan, int[] content, List<Node> children) {
    public static Node cell(String text, int colspan, int rowspan) {
      return new Node("td", colspan, rowspan, EditDistance.codePoints(text), List.of());
    }

    public static Node row(List<Node> cells) {
      return new Node("tr", 1, 1, new int[0], List.copyOf(cells));
    }

    public static Node table(List<Node> rows) {
      return new Node("table", 1, 1, new int[0], List.copyOf(rows));
    }
  }

  private static final class Costs implements TreeEditDistance.Model<Node> {
    private final boolean structureOnly;

    Costs(boolean structureOnly) {
      this.structureOnly = structureOnly;
    }

    @Override
    public List<Node> children(Node node) {
      return node.children();
    }

    @Override
    public double delete(Node node) {
      return 1;
    }

    @Override
    public double insert(Node node) {
      return 1;
    }

    @Override
    public double rename(Node a, Node b) {
      if (!a.tag().equals(b.tag()) || a.colspan() != b.colspan() || a.rowspan() != b.rowspan()) {
        return 1;
      }
      if (!structureOnly && a.tag().equals("td") && (a.content().length > 0 || b.content().length > 0)) {
        return EditDistance.normalised(a.content(), b.content());
      }
      return 0;
    }
  }

  private Teds() {}

  /** The tree of a parsed table: one {@code tr} per row, its cells in document order. */
  public static Node tree(Table table) {
    List<List<Node>> rows = new ArrayList<>();
    for (int r = 0; r < table.rows(); r++) {
      rows.add(new ArrayList<>());
    }
    for (Cell cell : table.cells()) {
      if (cell.row() >= 0 && cell.row() < rows.size()) {
        rows.get(cell.row()).add(Node.cell(cell.text(), cell.colspan(), cell.rowspan()));
      }
    }
    return Node.table(rows.stream().map(Node::row).toList());
  }

  /** The tree of table HTML (or of a model's table answer), read by {@link OutputParsers#table}. */
  public static Node tree(String html) {
    return tree(OutputParsers.table(html));
  }

  /** TEDS in [0, 1]; 1 for identical tables. */
  public static double teds(Node prediction, Node truth) {
    return similarity(prediction, truth, false);
  }

  /** TEDS-structure: TEDS with cell text ignored. */
  public static double tedsStructure(Node prediction, Node truth) {
    return similarity(prediction, truth, true);
  }

  /** The tree edit distance itself (cost units), for tests and diagnostics. */
  public static double distance(Node prediction, Node truth, boolean structureOnly) {
    return new TreeEditDistance<>(new Costs(structureOnly)).distance(prediction, truth);
  }

  public static int size(Node root) {
    int n = 1;
    for (Node child : root.children()) {
      n += size(child);
    }
    return n;
  }

  private static double similarity(Node prediction, Node truth, boolean structureOnly) {
    int longer = Math.max(size(prediction), size(truth));
    return 1.0 - distance(prediction, truth, structureOnly) / longer;
  }
}
