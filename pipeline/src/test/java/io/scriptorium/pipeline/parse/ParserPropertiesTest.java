package io.scriptorium.pipeline.parse;

import static org.assertj.core.api.Assertions.assertThat;

import io.scriptorium.testing.DataTest;
import io.scriptorium.testing.UnitTest;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Attribute;
import org.jsoup.nodes.Element;

/**
 * Every parser is total and keeps its invariants on random text and on real outputs mutated the ways broken model
 * output and hostile input look: cuts, duplications, injected script and event handlers, unbalanced tags, huge
 * numbers. An exception from any parser fails the property.
 */
@UnitTest
@DataTest
@net.jqwik.api.Tag("unit")
@net.jqwik.api.Tag("data")
class ParserPropertiesTest {
  /** Read on first use, so that a property skipped for want of ../shared/data reads none of it. */
  private static final class Corpus {
    static final List<String> TEXTS = Samples.corpus();
  }

  private static final List<String> INJECTIONS = List.of(
      "<script>alert(1)</script>", "<script>", "</script>", " onerror=alert(1) ", "<img src=x onerror=alert(1)>",
      "<svg onload=alert(1)>", "<iframe src=\"javascript:alert(1)\"></iframe>", "<style>td{color:red}</style>",
      "<a href=\"javascript:alert(1)\">x</a>", "<td colspan=\"99999999999999999999\">", "<td rowspan=-3>",
      "<th colspan=\"0\" style=\"x\">", "<table>", "</table>", "<tr>", "</tr>", "<td>", "</td>", "<caption>",
      "<thead>", "<tbody>", "<tfoot>", "<!--", "-->", "<![CDATA[", "]]>", "<textarea>", "<plaintext>", "<math>",
      "<noscript>", "\" onmouseover=\"x", "'", "\"", "&lt;script&gt;", "&#x3C;img&#x3E;", "$$", "$", "\\[", "\\]",
      "\\(", "\\)", "{", "}", "\\begin{array}", "\\end{array}", "\\left(", "\\right)", "\\tag{", "\\quad (1)",
      "<ref>", "</ref>", "<quad>", "</quad>", "<pFig>", "</pFig>", "<pos_16>", "<｜hy_place▁holder▁no▁110｜>",
      "(99999999999999999999,-5),(1,2)", "(1,2),(3,4)", "(", ")", ",", "```", "```json\n", "```mermaid\n", "\n\n",
      "\n", "# ", "- ", "1. ", "|---|---|\n", "![](x)", "{\"a\": ", "[", "]", "\\", "\u0000", "\ud800", "\udfff",
      "\u202e", "\ufeff", "9".repeat(40));

  @Provide
  Arbitrary<String> outputs() {
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(2, Arbitraries.strings().all().ofMaxLength(400)),
        net.jqwik.api.Tuple.of(1, Arbitraries.strings().withChars("<>/()$,{}[]|\\#-\n tdrabl0123456789")
            .ofMaxLength(400)),
        net.jqwik.api.Tuple.of(6, Arbitraries.randomValue(ParserPropertiesTest::mutatedSample)));
  }

  @Property(tries = 10_000)
  @net.jqwik.api.lifecycle.AddLifecycleHook(RequiresSharedData.class)
  void everyParserIsTotalAndKeepsItsInvariants(@ForAll("outputs") String raw) {
    checkSpots(OutputParsers.spotting(raw));
    checkDocument(OutputParsers.document(raw));
    checkDocument(OutputParsers.translation(raw, "zh").document());
    checkTable(OutputParsers.table(raw));
    checkFormula(OutputParsers.formula(raw));
    ParseResult<Field> fields = OutputParsers.fields(raw);
    assertThat(fields.records()).allSatisfy(f -> assertThat(f.key()).isNotNull());
    checkWarnings(fields.warnings());
    ParseResult<Chart> chart = OutputParsers.chart(raw);
    assertThat(chart.records()).hasSizeLessThanOrEqualTo(1);
    assertThat(chart.records()).allSatisfy(c ->
        assertThat(c.kind()).isIn(Chart.MERMAID, Chart.MARKDOWN_TABLE, Chart.TEXT));
    assertThat(OutputParsers.subtitles(raw).records()).allSatisfy(line -> assertThat(line).isNotBlank());
    assertThat(OutputParsers.vqa(raw).records()).hasSizeLessThanOrEqualTo(1);
    Trimmed t = OutputParsers.trimRepetition(raw);
    String input = raw == null ? "" : raw;
    assertThat(input).startsWith(t.text());
    assertThat(t.trimmed()).isEqualTo(t.text().length() < input.length());
  }

  /** A real output with one to six random edits. */
  private static String mutatedSample(Random random) {
    StringBuilder s = new StringBuilder(Corpus.TEXTS.get(random.nextInt(Corpus.TEXTS.size())));
    int edits = 1 + random.nextInt(6);
    for (int e = 0; e < edits; e++) {
      int len = s.length();
      int at = len == 0 ? 0 : random.nextInt(len + 1);
      switch (random.nextInt(7)) {
        case 0 -> s.delete(at, Math.min(len, at + 1 + random.nextInt(40)));
        case 1 -> s.setLength(at);
        case 2 -> {
          int end = Math.min(len, at + 1 + random.nextInt(60));
          String piece = s.substring(at, end);
          s.insert(end, piece.repeat(1 + random.nextInt(random.nextInt(10) == 0 ? 400 : 4)));
        }
        case 3, 4 -> s.insert(at, INJECTIONS.get(random.nextInt(INJECTIONS.size())));
        case 5 -> {
          for (int i = 0; i < 1 + random.nextInt(8); i++) {
            s.insert(at, (char) random.nextInt(0x10000));
          }
        }
        default -> s.insert(at, String.valueOf(random.nextLong()));
      }
    }
    return s.toString();
  }

  private static void checkSpots(ParseResult<Spot> spots) {
    for (int i = 0; i < spots.records().size(); i++) {
      Spot spot = spots.records().get(i);
      assertThat(spot.lineNo()).isEqualTo(i);
      if (spot.box() != null) {
        checkGridBox(spot.box());
      }
    }
    checkWarnings(spots.warnings());
  }

  private static void checkDocument(ParsedDocument doc) {
    List<Block> blocks = doc.blocks();
    for (int i = 0; i < blocks.size(); i++) {
      Block b = blocks.get(i);
      assertThat(b.order()).isEqualTo(i);
      assertThat(b.headingLevel()).isBetween(b.kind() == BlockKind.HEADING ? 1 : 0, b.kind() == BlockKind.HEADING
          ? 6 : 0);
      int previousEnd = 0;
      for (InlineFormula f : b.inlineFormulas()) {
        assertThat(f.start()).isGreaterThanOrEqualTo(previousEnd);
        assertThat(f.end()).isGreaterThan(f.start()).isLessThanOrEqualTo(b.text().length());
        assertThat(b.text().charAt(f.start())).isIn('$', '\\');
        previousEnd = f.end();
      }
    }
    for (Table t : doc.tables()) {
      assertThat(blocks.get(t.blockOrder()).kind()).isEqualTo(BlockKind.TABLE);
      assertThat(blocks.get(t.blockOrder()).text()).isEqualTo(t.sanitisedHtml());
      checkTable(t);
    }
    for (Figure f : doc.figures()) {
      assertThat(blocks.get(f.blockOrder()).kind()).isEqualTo(BlockKind.FIGURE);
      if (f.box() != null) {
        checkGridBox(f.box());
      }
    }
    for (Formula f : doc.formulas()) {
      assertThat(f.blockOrder()).isBetween(0, blocks.size() - 1);
      checkFormula(f);
    }
    checkWarnings(doc.warnings());
  }

  private static final Pattern TAG = Pattern.compile("<[^>]*>?");
  private static final Pattern ALLOWED_TAG = Pattern.compile(
      "</?(table|caption|thead|tbody|tfoot|tr|td|th)((?: (?:colspan|rowspan)=\"[1-9][0-9]{0,3}\")*)>");

  /** Only table markup, only span attributes, on the string itself and as any HTML parser reads it back. */
  static void checkTable(Table table) {
    String html = table.sanitisedHtml();
    Matcher tags = TAG.matcher(html);
    while (tags.find()) {
      assertThat(tags.group()).as("tag in %s", html).matches(ALLOWED_TAG);
    }
    for (Element e : Jsoup.parseBodyFragment(html).body().getAllElements()) {
      if (e.normalName().equals("body")) {
        continue;
      }
      assertThat(e.normalName()).as(html).isIn(TableParser.TABLE_TAGS);
      for (Attribute a : e.attributes()) {
        assertThat(a.getKey()).as(html).isIn("colspan", "rowspan");
        assertThat(Integer.parseInt(a.getValue())).isBetween(2, TableParser.MAX_SPAN);
      }
    }
    assertThat(html.isEmpty() || html.startsWith("<table>")).isTrue();
    for (Cell c : table.cells()) {
      assertThat(c.row()).isBetween(0, table.rows() - 1);
      assertThat(c.rowspan()).isBetween(1, table.rows() - c.row());
      assertThat(c.colspan()).isBetween(1, TableParser.MAX_SPAN);
      assertThat(c.col() + c.colspan()).isLessThanOrEqualTo(table.cols());
    }
    if (table.rows() * (long) table.cols() < 1_000_000) {
      assertNoOverlap(table);
    }
    checkWarnings(table.warnings());
  }

  private static void assertNoOverlap(Table table) {
    boolean[][] taken = new boolean[table.rows()][table.cols()];
    for (Cell c : table.cells()) {
      for (int r = c.row(); r < c.row() + c.rowspan(); r++) {
        for (int col = c.col(); col < c.col() + c.colspan(); col++) {
          assertThat(taken[r][col]).as("overlap at %d,%d", r, col).isFalse();
          taken[r][col] = true;
        }
      }
    }
  }

  private static void checkFormula(Formula f) {
    assertThat(f.latex()).isNotNull().isEqualTo(f.latex().strip());
    assertThat(f.balanced()).isEqualTo(Latex.imbalances(f.latex()).isEmpty());
    checkWarnings(f.warnings());
  }

  private static void checkGridBox(Box box) {
    assertThat(box.x1()).isBetween(0, box.x2());
    assertThat(box.y1()).isBetween(0, box.y2());
    assertThat(box.x2()).isLessThanOrEqualTo(Box.GRID);
    assertThat(box.y2()).isLessThanOrEqualTo(Box.GRID);
  }

  private static void checkWarnings(List<ParseWarning> warnings) {
    assertThat(warnings).hasSizeLessThanOrEqualTo(Warnings.LIMIT + 1);
    assertThat(warnings).allSatisfy(w -> assertThat(w.code()).isNotBlank());
  }
}
