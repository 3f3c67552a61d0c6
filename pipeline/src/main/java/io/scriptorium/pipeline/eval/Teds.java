package io.scriptorium.pipeline.eval;

import io.scriptorium.pipeline.text.EditDistance;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Tree-Edit-Distance-based Similarity of tables (Zhong et al., "Image-based table recognition", 2020) exactly as the
 * two published implementations compute it, for table HTML in, a score in [0, 1] out:
 *
 * <ul>
 *   <li>{@link #pubTabNet}: PubTabNet's {@code src/metric.py} ({@code teds_pubtabnet}, {@code teds_pubtabnet_struct});
 *   <li>{@link #omniDocBench}: OmniDocBench's table path ({@code teds}, {@code teds_struct}): both sides go through
 *       {@link OmniTableNormaliser} first, then the same TEDS (OmniDocBench's {@code metrics/table_metric.py} is
 *       PubTabNet's with another Levenshtein library, which gives the same distances).
 * </ul>
 *
 * <p>The shared definition: the HTML is read as lxml reads it ({@link LibxmlHtml}) and the first {@code table}
 * directly in {@code body} is taken; a document without one scores 0. Its tree has a node for every element below the
 * table, except that a {@code td} is a leaf holding its cell tokens: the characters of its text, and for each element
 * inside it {@code <tag>}, that element's tokens and {@code </tag>}, then the characters after it. A {@code th} is not a
 * cell: it is an ordinary node (so header cells written as {@code th} lose their text from the comparison). Deleting or
 * inserting a node costs 1; renaming costs 1 when tag, colspan or rowspan differ, else for two {@code td} the
 * Levenshtein distance of their tokens over the longer token count (0 in the structure-only variant), else 0. TEDS is
 * {@code 1 - distance / n}, where {@code n} is the larger count of elements below each table (the table itself not
 * counted; inline elements inside cells counted). Either input empty gives 0.
 *
 * <p>Where the references raise an error instead of scoring (a colspan that is not an integer, two tables with nothing
 * inside), PubTabNet's batch stops and OmniDocBench scores 0; here both score 0.
 */
public final class Teds {
  private Teds() {}

  /** PubTabNet {@code metric.py} TEDS of {@code prediction} against {@code truth} (both full HTML documents). */
  public static double pubTabNet(String prediction, String truth, boolean structureOnly) {
    if (prediction == null || prediction.isEmpty() || truth == null || truth.isEmpty()) {
      return 0.0;
    }
    try {
      return similarity(LibxmlHtml.bodyTable(prediction), LibxmlHtml.bodyTable(truth), structureOnly);
    } catch (IllegalArgumentException e) {
      return 0.0;
    }
  }

  /**
   * OmniDocBench TEDS: {@link OmniTableNormaliser#normalise} of each side (a side whose normalisation is empty, because
   * it has no {@code <table}, is scored raw, as OmniDocBench's {@code norm_x if norm_x else x} does), then TEDS.
   */
  public static double omniDocBench(String prediction, String truth, boolean structureOnly) {
    String p = prediction == null ? "" : prediction;
    String t = truth == null ? "" : truth;
    String normP = OmniTableNormaliser.normalise(p);
    String normT = OmniTableNormaliser.normalise(t);
    return pubTabNet(normP.isEmpty() ? p : normP, normT.isEmpty() ? t : normT, structureOnly);
  }

  /** A node of the TEDS tree; {@code colspan}/{@code rowspan}/{@code tokens} are set for {@code td} only. */
  record Node(String tag, Integer colspan, Integer rowspan, int[] tokens, List<Node> children) {}

  private static double similarity(LibxmlHtml.Element prediction, LibxmlHtml.Element truth, boolean structureOnly) {
    if (prediction == null || truth == null) {
      return 0.0;
    }
    int n = Math.max(prediction.descendants(), truth.descendants());
    if (n == 0) {
      return 0.0;
    }
    Map<String, Integer> ids = new HashMap<>();
    Node p = tree(prediction, structureOnly, ids);
    Node t = tree(truth, structureOnly, ids);
    double distance = new TreeEditDistance<>(COSTS).distance(p, t);
    return 1.0 - distance / n;
  }

  static Node tree(LibxmlHtml.Element e, boolean structureOnly, Map<String, Integer> ids) {
    if (e.tag.equals("td")) {
      int[] tokens = new int[0];
      if (!structureOnly) {
        List<String> list = new ArrayList<>();
        chars(e.text, list);
        for (LibxmlHtml.Element child : e.children) {
          cellTokens(child, list);
        }
        tokens = new int[list.size()];
        for (int i = 0; i < tokens.length; i++) {
          tokens[i] = ids.computeIfAbsent(list.get(i), k -> ids.size());
        }
      }
      return new Node("td", span(e.attribute("colspan")), span(e.attribute("rowspan")), tokens, List.of());
    }
    List<Node> children = new ArrayList<>(e.children.size());
    for (LibxmlHtml.Element child : e.children) {
      children.add(tree(child, structureOnly, ids));
    }
    return new Node(e.tag, null, null, null, children);
  }

  /** Tokens of an element inside a cell: {@code <tag>}, its text, its children, {@code </tag>}, then its tail. */
  private static void cellTokens(LibxmlHtml.Element e, List<String> out) {
    out.add("<" + e.tag + ">");
    chars(e.text, out);
    for (LibxmlHtml.Element child : e.children) {
      cellTokens(child, out);
    }
    if (!e.tag.equals("unk")) {
      out.add("</" + e.tag + ">");
    }
    if (!e.tag.equals("td")) {
      chars(e.tail, out);
    }
  }

  private static void chars(String s, List<String> out) {
    s.codePoints().forEach(c -> out.add(new String(Character.toChars(c))));
  }

  /** Python's {@code int(value or '1')}: surrounding whitespace, a sign and underscores between digits allowed. */
  static int span(String value) {
    if (value == null) {
      return 1;
    }
    String s = Py.strip(value);
    String digits = s.startsWith("+") || s.startsWith("-") ? s.substring(1) : s;
    if (digits.isEmpty() || digits.startsWith("_") || digits.endsWith("_") || digits.contains("__")) {
      throw new IllegalArgumentException("invalid literal for int(): " + value);
    }
    StringBuilder plain = new StringBuilder(s.startsWith("-") ? "-" : "");
    for (int i = 0; i < digits.length(); ) {
      int c = digits.codePointAt(i);
      i += Character.charCount(c);
      if (c == '_') {
        continue;
      }
      int d = Character.getType(c) == Character.DECIMAL_DIGIT_NUMBER ? Character.digit(c, 10) : -1;
      if (d < 0) {
        throw new IllegalArgumentException("invalid literal for int(): " + value);
      }
      plain.append(d);
    }
    try {
      return Integer.parseInt(plain.toString());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("span out of range: " + value, e);
    }
  }

  private static final TreeEditDistance.Model<Node> COSTS = new TreeEditDistance.Model<>() {
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
      if (!a.tag().equals(b.tag()) || !java.util.Objects.equals(a.colspan(), b.colspan())
          || !java.util.Objects.equals(a.rowspan(), b.rowspan())) {
        return 1;
      }
      if (a.tag().equals("td") && (a.tokens().length > 0 || b.tokens().length > 0)) {
        return EditDistance.normalised(a.tokens(), b.tokens());
      }
      return 0;
    }
  };
}
