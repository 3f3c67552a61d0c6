package io.scriptorium.pipeline.parse;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Attribute;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.select.NodeFilter;
import org.jsoup.select.NodeTraversor;

/**
 * Turns table HTML into a {@link Table}: parsed by jsoup as a browser would (implied {@code <tbody>} and {@code <tr>},
 * so a stray {@code <td>} before the first {@code <tr>} and unclosed tags are fine), rebuilt from table markup and
 * cell text only, and laid out on a slot grid that resolves row and column spans.
 */
final class TableParser {
  /** The only elements that survive sanitising. */
  static final Set<String> TABLE_TAGS = Set.of("table", "caption", "thead", "tbody", "tfoot", "tr", "td", "th");
  /** The only attributes that survive, on {@code td}/{@code th}, with integer values 2..{@value #MAX_SPAN}. */
  static final Set<String> SPAN_ATTRIBUTES = Set.of("colspan", "rowspan");

  static final int MAX_SPAN = 1000;
  /** Cells starting at or past this column are dropped, so that a hostile table cannot claim unbounded memory. */
  static final int MAX_COLS = 4096;
  private static final Set<String> SECTIONS = Set.of("thead", "tbody", "tfoot");
  private static final Set<String> STRUCTURE = Set.of("table", "thead", "tbody", "tfoot", "tr");
  private static final int MAX_NAMES = 32;

  private final Warnings warnings;
  private final Set<String> removed = new TreeSet<>();
  private int badSpans;
  private int clipped;

  private TableParser(Warnings warnings) {
    this.warnings = warnings;
  }

  /** A table-task answer: the first table in it, and warnings for anything around it. */
  static Table parseAnswer(String raw) {
    Warnings w = new Warnings();
    String text = Fences.unwrap(RepetitionTrimmer.prepare(raw, w), Set.of("html", "xml", ""));
    if (text.isBlank()) {
      w.add(ParseWarning.EMPTY_OUTPUT, "no table output");
      return empty(0, w);
    }
    return parse(text, 0, w);
  }

  /** Parses the first table in {@code html}; warnings go to {@code w}, and into the table. */
  static Table parse(String html, int blockOrder, Warnings w) {
    String source = html;
    if (Finder.indexOfIgnoreCase(source, "<table", 0) < 0) {
      if (Finder.indexOfIgnoreCase(source, "<tr", 0) < 0 && Finder.indexOfIgnoreCase(source, "<td", 0) < 0
          && Finder.indexOfIgnoreCase(source, "<th", 0) < 0) {
        w.add(ParseWarning.NO_TABLE, "no <table> in " + Warnings.excerpt(source.strip()));
        return empty(blockOrder, w);
      }
      w.add(ParseWarning.MALFORMED_MARKUP, "table rows without <table>; wrapped them in one");
      source = "<table>" + source + "</table>";
    }
    Element body = Jsoup.parseBodyFragment(source).body();
    Element table = body.selectFirst("table");
    if (table == null) {
      w.add(ParseWarning.NO_TABLE, "no table element in " + Warnings.excerpt(source.strip()));
      return empty(blockOrder, w);
    }
    reportOutside(body, table, w);
    return new TableParser(w).build(table, blockOrder);
  }

  private static Table empty(int blockOrder, Warnings w) {
    return new Table(blockOrder, "", null, 0, 0, List.of(), w.list());
  }

  private Table build(Element table, int blockOrder) {
    noteRemoved(table);
    Document out = Document.createShell("");
    out.outputSettings().prettyPrint(false);
    Element clean = out.body().appendElement("table");

    String caption = null;
    RowGroups rows = new RowGroups();
    for (Element child : table.children()) {
      String name = child.normalName();
      if (name.equals("caption") && caption == null) {
        caption = child.text().strip();
        clean.appendElement("caption").text(caption);
      } else if (SECTIONS.contains(name)) {
        Element section = clean.appendElement(name);
        List<Element> trs = new ArrayList<>();
        for (Element row : child.children()) {
          if (row.normalName().equals("tr")) {
            trs.add(row);
          }
        }
        rows.add(trs, section);
      } else if (name.equals("tr")) {
        rows.add(List.of(child), clean);
      }
    }

    List<Cell> cells = layOut(rows);
    int cols = 0;
    for (Cell c : cells) {
      cols = Math.max(cols, c.col() + c.colspan());
    }
    if (!removed.isEmpty()) {
      warnings.add(ParseWarning.HTML_SANITISED, "removed " + String.join(", ", removed));
    }
    if (badSpans > 0) {
      warnings.add(ParseWarning.HTML_SANITISED, badSpans + " colspan/rowspan values outside 1.." + MAX_SPAN
          + " read as 1");
    }
    if (clipped > 0) {
      warnings.add(ParseWarning.SPAN_CLIPPED, clipped + " spans cut to fit the table");
    }
    String captionOrNull = caption == null || caption.isEmpty() ? null : caption;
    return new Table(blockOrder, clean.outerHtml(), captionOrNull, rows.source.size(), cols, cells, warnings.list());
  }

  /** The table's rows in order, each with its rebuilt {@code <tr>} and the end of its row group. */
  private static final class RowGroups {
    final List<Element> source = new ArrayList<>();
    final List<Element> clean = new ArrayList<>();
    final List<Integer> groupEnds = new ArrayList<>();

    /** Adds one row group (a section; spans do not reach past it), rebuilding its rows under {@code section}. */
    void add(List<Element> trs, Element section) {
      int end = source.size() + trs.size();
      for (Element tr : trs) {
        source.add(tr);
        clean.add(section.appendElement("tr"));
        groupEnds.add(end);
      }
    }
  }

  /** Places every cell on the first free slot of its row, marking the slots its spans cover. */
  private List<Cell> layOut(RowGroups rows) {
    int rowCount = rows.source.size();
    List<BitSet> occupied = new ArrayList<>(rowCount);
    for (int r = 0; r < rowCount; r++) {
      occupied.add(new BitSet());
    }
    List<Cell> cells = new ArrayList<>();
    for (int r = 0; r < rowCount; r++) {
      int col = 0;
      for (Element cell : rows.source.get(r).children()) {
        String name = cell.normalName();
        if (!name.equals("td") && !name.equals("th")) {
          continue;
        }
        col = occupied.get(r).nextClearBit(col);
        if (col >= MAX_COLS) {
          clipped++;
          continue;
        }
        int rowspan = span(cell, "rowspan");
        int colspan = span(cell, "colspan");
        int maxRowspan = rows.groupEnds.get(r) - r;
        if (rowspan > maxRowspan) {
          rowspan = maxRowspan;
          clipped++;
        }
        if (colspan > MAX_COLS - col) {
          colspan = MAX_COLS - col;
          clipped++;
        }
        for (int rr = r; rr < r + rowspan; rr++) {
          occupied.get(rr).set(col, col + colspan);
        }
        String text = cell.text().strip();
        Element clean = rows.clean.get(r).appendElement(name);
        if (colspan > 1) {
          clean.attr("colspan", Integer.toString(colspan));
        }
        if (rowspan > 1) {
          clean.attr("rowspan", Integer.toString(rowspan));
        }
        clean.text(text);
        cells.add(new Cell(r, col, rowspan, colspan, text));
        col += colspan;
      }
    }
    return cells;
  }

  /** A span attribute as an int in 1..MAX_SPAN; anything else (missing, junk, 0, huge) is 1. */
  private int span(Element cell, String attribute) {
    if (!cell.hasAttr(attribute)) {
      return 1;
    }
    String value = cell.attr(attribute).strip();
    if (value.isEmpty() || value.length() > 4) {
      badSpans++;
      return 1;
    }
    int v = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < '0' || c > '9') {
        badSpans++;
        return 1;
      }
      v = v * 10 + (c - '0');
    }
    if (v < 1 || v > MAX_SPAN) {
      badSpans++;
      return 1;
    }
    return v;
  }

  /** Records which elements, attributes and text inside the table do not survive. */
  private void noteRemoved(Element table) {
    StringBuilder stray = new StringBuilder();
    NodeTraversor.traverse((node, depth) -> {
      if (node instanceof Element e) {
        String name = e.normalName();
        if (!TABLE_TAGS.contains(name)) {
          note("<" + name + ">");
        } else if (e != table && name.equals("table")) {
          note("nested <table> (kept as cell text)");
        }
        if (e.attributesSize() > 0) {
          boolean cell = name.equals("td") || name.equals("th");
          for (Attribute a : e.attributes()) {
            if (!cell || !SPAN_ATTRIBUTES.contains(a.getKey())) {
              note(a.getKey() + "=");
            }
          }
        }
      } else if (node instanceof TextNode t && stray.length() < 200 && node.parent() instanceof Element parent
          && STRUCTURE.contains(parent.normalName())) {
        stray.append(t.text());
      }
    }, table);
    String strayText = stray.toString().strip();
    if (!strayText.isEmpty()) {
      warnings.add(ParseWarning.EXTRA_TEXT, "ignored text between cells: " + Warnings.excerpt(strayText));
    }
  }

  private void note(String what) {
    if (removed.size() < MAX_NAMES) {
      removed.add(what);
    }
  }

  /** Warns about text and other tables outside the one kept. */
  private static void reportOutside(Element body, Element table, Warnings w) {
    StringBuilder outside = new StringBuilder();
    int[] otherTables = {0};
    NodeTraversor.filter(new NodeFilter() {
      @Override
      public FilterResult head(Node node, int depth) {
        if (node == table) {
          return FilterResult.SKIP_ENTIRELY;
        }
        if (node instanceof Element e && e.normalName().equals("table")) {
          otherTables[0]++;
          return FilterResult.SKIP_ENTIRELY;
        }
        if (node instanceof TextNode t && outside.length() < 200) {
          outside.append(t.text());
        }
        return FilterResult.CONTINUE;
      }

      @Override
      public FilterResult tail(Node node, int depth) {
        return FilterResult.CONTINUE;
      }
    }, body);
    if (otherTables[0] > 0) {
      w.add(ParseWarning.EXTRA_TEXT, otherTables[0] + " more tables ignored");
    }
    String text = outside.toString().strip();
    if (!text.isEmpty()) {
      w.add(ParseWarning.EXTRA_TEXT, "ignored text outside the table: " + Warnings.excerpt(text));
    }
  }
}
