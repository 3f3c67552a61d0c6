package io.scriptorium.pipeline.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.scriptorium.testing.DataTest;
import io.scriptorium.testing.UnitTest;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;

/**
 * Real ground truth written out the way the model writes its answers parses back to the same structure. Expected
 * values come from a different file or format than the parsed input wherever the data allows it.
 */
@UnitTest
@DataTest
class SharedDataTest {
  private static final String OMNI = "omnidocbench-demo/";

  /**
   * Each OmniDocBench page's Markdown, read as a document answer, gives back the page's annotated titles (as
   * headings), tables (the annotation's HTML, cell by cell) and display formulas (LaTeX and equation numbers), in
   * reading order; and every annotated inline formula among its inline formulas.
   */
  @Test
  void omniDocBenchPagesParseBackToTheirAnnotations() {
    List<String> pages = Samples.omniPages();
    assertThat(pages).hasSize(11);
    int tables = 0;
    int displays = 0;
    for (String page : pages) {
      ParsedDocument doc = OutputParsers.document(Samples.read(Samples.data().resolve(OMNI + "gt_md/" + page + ".md")));
      List<JsonObject> blocks = annotatedBlocks(page);

      assertThat(texts(doc.blocks(), BlockKind.HEADING)).as(page).containsExactlyElementsOf(
          category(blocks, "title").stream().map(b -> collapse(b.get("text").getAsString())).toList());

      List<JsonObject> annotatedTables = category(blocks, "table");
      assertThat(doc.tables()).as(page).hasSize(annotatedTables.size());
      for (int i = 0; i < annotatedTables.size(); i++) {
        Table table = doc.tables().get(i);
        assertThat(table.cells()).as(page + " table " + i)
            .extracting(Cell::text, Cell::rowspan, Cell::colspan)
            .containsExactlyElementsOf(cellsOf(annotatedTables.get(i).get("html").getAsString()));
        assertTiled(table);
        assertThat(doc.blocks().get(table.blockOrder()).kind()).isEqualTo(BlockKind.TABLE);
        tables++;
      }

      List<Formula> display = doc.formulas().stream().filter(Formula::display).toList();
      List<JsonObject> equations = category(blocks, "equation_isolated");
      assertThat(display).as(page).extracting(Formula::latex).containsExactlyElementsOf(equations.stream()
          .map(b -> stripDollars(b.get("latex").getAsString())).toList());
      List<String> numbers = category(blocks, "equation_caption").stream()
          .map(b -> b.get("text").getAsString().replaceAll("[()]", "")).toList();
      if (!numbers.isEmpty()) {
        assertThat(display).as(page).extracting(Formula::equationNumber).containsExactlyElementsOf(numbers);
      }
      assertThat(display).as(page).allMatch(Formula::balanced);
      displays += display.size();

      List<String> inline = new ArrayList<>(doc.formulas().stream().filter(f -> !f.display()).map(Formula::latex)
          .toList());
      for (String latex : annotatedInlineFormulas(blocks)) {
        assertThat(inline).as(page + " inline formulas").contains(latex);
        inline.remove(latex);
      }
    }
    assertThat(tables).isEqualTo(6);
    assertThat(displays).isEqualTo(12);
  }

  @Test
  void physicsPageGivesItsTwelveNumberedEquations() {
    ParsedDocument doc = OutputParsers.document(Samples.read(Samples.data().resolve(OMNI
        + "gt_md/docstructbench_llm-raw-scihub-o.O-j.physletb.2004.06.101.pdf_3.md")));

    List<Formula> display = doc.formulas().stream().filter(Formula::display).toList();
    assertThat(display).extracting(Formula::equationNumber)
        .containsExactly("13", "14", "15", "16", "17", "18", "19", "20", "21", "22", "23", "24");
    assertThat(display.get(2).latex()).isEqualTo("T_{k} \\equiv\\mu^{2} \\varPi_{k}^{B}=0");
    assertThat(doc.blocks().stream().filter(b -> b.kind() == BlockKind.PARAGRAPH)
        .map(Block::text)).noneMatch(t -> t.matches("\\(\\d+\\)"));
  }

  @Test
  void tablePageGivesTheRowspanGrid() {
    ParsedDocument doc = OutputParsers.document(Samples.read(Samples.data().resolve(OMNI
        + "gt_md/docstructbench_dianzishu_zhongwenzaixian-o.O-61522235.pdf_170.md")));

    Table table = doc.tables().get(0);
    assertThat(table.rows()).isEqualTo(10);
    assertThat(table.cols()).isEqualTo(5);
    assertThat(table.cells()).extracting(Cell::row, Cell::col, Cell::rowspan, Cell::colspan, Cell::text).startsWith(
        tuple(0, 0, 2, 2, ""), tuple(0, 2, 1, 3, "美人蕉"), tuple(1, 2, 1, 1, "不施肥"),
        tuple(1, 3, 1, 1, "施苗木种植基质"), tuple(1, 4, 1, 1, "施花木专用基质"), tuple(2, 0, 4, 1, "高度/cm"),
        tuple(2, 1, 1, 1, "第一组"));
    assertThat(table.cells()).contains(new Cell(6, 0, 4, 1, "开花数/（朵/株)"), new Cell(9, 4, 1, 1, "25"));
  }

  /** PubTabNet's full HTML, read as a table answer, gives the annotation's rows, spans and cell text. */
  @Test
  void pubTabNetTablesMatchTheirAnnotations() {
    List<PubTabNet.Example> examples = PubTabNet.examples();
    assertThat(examples).hasSize(20);
    for (PubTabNet.Example e : examples) {
      Table table = OutputParsers.table(e.html());

      assertThat(table.rows()).as(e.filename()).isEqualTo(e.rows());
      assertThat(table.cells()).as(e.filename()).extracting(Cell::row, Cell::text, Cell::rowspan, Cell::colspan)
          .containsExactlyElementsOf(e.cells().stream()
              .map(c -> tuple(c.row(), c.text(), c.rowspan(), c.colspan())).toList());
      assertTiled(table);
      // Inline markup (<b>, <i>, <sup>, <sub>) is dropped with a warning; nothing else is reported.
      assertThat(table.warnings()).as(e.filename()).extracting(ParseWarning::code)
          .containsOnly(ParseWarning.HTML_SANITISED);

      String inDocument = "Table 2. Results\n\n" + e.html().replace("<html><body>", "").replace("</body></html>", "")
          + "\n\nAfter the table.";
      ParsedDocument doc = OutputParsers.document(inDocument);
      assertThat(doc.tables()).hasSize(1);
      assertThat(doc.tables().get(0).cells()).as(e.filename()).isEqualTo(table.cells());
      assertThat(doc.blocks()).extracting(Block::kind)
          .containsExactly(BlockKind.PARAGRAPH, BlockKind.TABLE, BlockKind.PARAGRAPH);
    }
  }

  /** Every im2latex formula wrapped as the model wraps display math comes back unchanged. */
  @Test
  void im2latexFormulasComeBackUnchanged() {
    List<String> formulas = Im2Latex.formulas();
    assertThat(formulas).hasSize(250);
    for (String latex : formulas) {
      String expected = latex.strip();
      for (String wrapped : List.of("$$ " + latex + " $$", "\\[" + latex + "\\]", "$$\n" + latex + "\n$$")) {
        Formula f = OutputParsers.formula(wrapped);
        assertThat(f.latex()).as(wrapped).isEqualTo(expected);
        assertThat(f.display()).isTrue();
        assertThat(f.equationNumber()).as(wrapped).isNull();
        assertThat(f.balanced()).as(wrapped).isTrue();
        assertThat(f.warnings()).as(wrapped).isEmpty();

        ParsedDocument doc = OutputParsers.document("Before.\n\n" + wrapped + "\n\nAfter.");
        assertThat(doc.formulas()).as(wrapped).extracting(Formula::latex).containsExactly(expected);
        assertThat(doc.blocks()).extracting(Block::kind).containsExactly(
            BlockKind.PARAGRAPH, BlockKind.DISPLAY_FORMULA, BlockKind.PARAGRAPH);
        assertThat(doc.warnings()).as(wrapped).isEmpty();
      }
      Formula tagged = OutputParsers.formula("\\[" + latex + " \\tag{7}\\]");
      assertThat(tagged.latex()).isEqualTo(expected);
      assertThat(tagged.equationNumber()).isEqualTo("7");
    }
  }

  // ---- expectations read from the annotations

  private static List<JsonObject> annotatedBlocks(String page) {
    JsonObject json = JsonParser.parseString(Samples.read(Samples.data().resolve(OMNI + "gt_json/" + page + ".json")))
        .getAsJsonObject();
    List<JsonObject> blocks = new ArrayList<>();
    for (JsonElement e : json.getAsJsonArray("layout_dets")) {
      JsonObject block = e.getAsJsonObject();
      boolean ordered = block.has("order") && !block.get("order").isJsonNull();
      boolean ignored = block.has("ignore") && block.get("ignore").getAsBoolean();
      if (ordered && !ignored) {
        blocks.add(block);
      }
    }
    blocks.sort(Comparator.comparingInt(b -> b.get("order").getAsInt()));
    return blocks;
  }

  private static List<JsonObject> category(List<JsonObject> blocks, String category) {
    return blocks.stream().filter(b -> b.get("category_type").getAsString().equals(category)).toList();
  }

  private static List<String> annotatedInlineFormulas(List<JsonObject> blocks) {
    List<String> formulas = new ArrayList<>();
    for (JsonObject block : blocks) {
      if (!block.has("line_with_spans")) {
        continue;
      }
      for (JsonElement line : block.getAsJsonArray("line_with_spans")) {
        JsonObject span = line.getAsJsonObject();
        if (span.get("category_type").getAsString().equals("equation_inline")) {
          formulas.add(stripDollars(span.get("latex").getAsString()));
        }
      }
    }
    return formulas;
  }

  /** The annotation's table HTML as (text, rowspan, colspan) per td/th in document order, read with plain jsoup. */
  private static List<org.assertj.core.groups.Tuple> cellsOf(String html) {
    List<org.assertj.core.groups.Tuple> cells = new ArrayList<>();
    for (Element cell : Jsoup.parseBodyFragment(html).select("td, th")) {
      int rowspan = cell.hasAttr("rowspan") ? Integer.parseInt(cell.attr("rowspan")) : 1;
      int colspan = cell.hasAttr("colspan") ? Integer.parseInt(cell.attr("colspan")) : 1;
      cells.add(tuple(PubTabNet.normalise(cell.text()), rowspan, colspan));
    }
    return cells;
  }

  private static String stripDollars(String latex) {
    String s = latex.strip();
    while (s.startsWith("$")) {
      s = s.substring(1);
    }
    while (s.endsWith("$")) {
      s = s.substring(0, s.length() - 1);
    }
    return s.strip();
  }

  private static List<String> texts(List<Block> blocks, BlockKind kind) {
    return blocks.stream().filter(b -> b.kind() == kind).map(b -> collapse(b.text())).toList();
  }

  private static String collapse(String s) {
    return s.replaceAll("\\s+", " ").strip();
  }

  /** Every slot of the rows x cols grid is covered by exactly one cell. */
  static void assertTiled(Table table) {
    List<BitSet> rows = new ArrayList<>();
    for (int r = 0; r < table.rows(); r++) {
      rows.add(new BitSet());
    }
    for (Cell c : table.cells()) {
      for (int r = c.row(); r < c.row() + c.rowspan(); r++) {
        for (int col = c.col(); col < c.col() + c.colspan(); col++) {
          assertThat(rows.get(r).get(col)).as("slot %d,%d covered twice in %s", r, col, table).isFalse();
          rows.get(r).set(col);
        }
      }
    }
    for (int r = 0; r < table.rows(); r++) {
      assertThat(rows.get(r).cardinality()).as("row %d of %s", r, table.sanitisedHtml()).isEqualTo(table.cols());
    }
  }
}
