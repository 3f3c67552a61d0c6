package io.scriptorium.pipeline.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.scriptorium.pipeline.SparkTestSession;
import io.scriptorium.pipeline.eval.PageEvaluator.Metric;
import io.scriptorium.testing.DataTest;
import io.scriptorium.testing.UnitTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.commons.lang3.StringUtils;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The readers on shared/data, and the scores of ground truth fed back as model output (perfect) and of known
 * perturbations (a dropped row, a changed character, a shifted box) with their exact expected values.
 */
@UnitTest
@DataTest
class GroundTruthAsOutputTest {
  private static Path data;
  private static Map<String, GroundTruth> truth;

  @BeforeAll
  static void read() {
    data = SparkTestSession.sharedData();
    truth = TruthReaders.read(data);
  }

  private static double value(List<Metric> metrics, String metric) {
    return metrics.stream().filter(m -> m.metric().equals(metric)).findFirst().orElseThrow(
        () -> new AssertionError("no " + metric + " in " + metrics)).value();
  }

  private static List<GroundTruth> set(String name) {
    return truth.values().stream().filter(g -> g.set().equals(name)).toList();
  }

  @Test
  void readsEverySet() {
    Map<String, Long> perSet = truth.values().stream().collect(Collectors.groupingBy(GroundTruth::set, Collectors.counting()));
    assertThat(perSet).containsEntry("omnidocbench-demo", 11L).containsEntry("pubtabnet", 20L)
        .containsEntry("im2latex-sample", 250L).containsEntry("tesseract-testing", 8L)
        .containsEntry("ocrmypdf-resources", 1L);
    assertThat(truth.get("phototest-rotated-L.png").text()).isEqualTo(truth.get("phototest.tif").text());
    GroundTruth italic = truth.get("trainingital.tif");
    assertThat(italic.lines()).hasSize(1);
    assertThat(SpotMetrics.normaliseText(italic.lines().get(0).text())).isEqualTo("Tosimpleburnrunningofgoodslately.");
    GroundTruth notes = truth.get("notes_1ba14cb325bc448f7201b20502ecf2b5_15.jpg");
    assertThat(notes.tables()).hasSize(1);
    assertThat(notes.text()).startsWith("笔记三天气与气候\n\n多变的天气");
    assertThat(notes.text()).doesNotContain("NO. Date"); // the header is not running text
  }

  // ------------------------------------------------------------------------------------------------------ tables

  @Test
  void pubTabNetReconstructionEqualsTheDerivedHtml() throws IOException {
    JsonObject derived = JsonParser.parseString(Files.readString(data.resolve("pubtabnet/PubTabNet_Examples.html.json")))
        .getAsJsonObject();
    for (GroundTruth gt : set("pubtabnet")) {
      String html = derived.getAsJsonObject(gt.id()).get("html").getAsString();
      assertThat(Teds.pubTabNet(html, PageEvaluator.wrapped(gt.tables().get(0)), false)).as(gt.id()).isEqualTo(1.0);
    }
  }

  @Test
  void tablesAsOutputArePerfect() {
    for (GroundTruth gt : set("pubtabnet")) {
      List<Metric> table = PageEvaluator.evaluate(gt, "table", gt.tables().get(0), 0, 0);
      assertThat(value(table, "teds")).as(gt.id()).isEqualTo(1.0);
      assertThat(value(table, "teds_struct")).as(gt.id()).isEqualTo(1.0);
      assertThat(value(table, "teds_pubtabnet")).as(gt.id()).isEqualTo(1.0);
      assertThat(value(table, "teds_pubtabnet_struct")).as(gt.id()).isEqualTo(1.0);
      List<Metric> parse = PageEvaluator.evaluate(gt, "parse", "## Table 2\n\n" + gt.tables().get(0) + "\n\nNotes.", 0, 0);
      assertThat(value(parse, "teds")).as(gt.id()).isEqualTo(1.0);
    }
  }

  @Test
  void droppedRow() {
    int checked = 0;
    for (GroundTruth gt : set("pubtabnet")) {
      String html = gt.tables().get(0);
      if (html.contains("rowspan")) {
        continue; // a span reaching into the dropped row would change too
      }
      int start = html.lastIndexOf("<tr>");
      int end = html.indexOf("</tr>", start) + "</tr>".length();
      String dropped = html.substring(0, start) + html.substring(end);
      // the dropped row costs itself and its cells (leaves of the tree); the denominator counts every element below
      // OmniDocBench's normalised table, inline ones included
      int nodes = LibxmlHtml.bodyTable(OmniTableNormaliser.normalise(html)).descendants();
      String row = html.substring(start, end);
      int lastRowNodes = 1 + StringUtils.countMatches(row, "<td") + StringUtils.countMatches(row, "<th");
      double expected = 1 - (double) lastRowNodes / nodes;
      List<Metric> m = PageEvaluator.evaluate(gt, "table", dropped, 0, 0);
      assertThat(value(m, "teds")).as(gt.id()).isCloseTo(expected, within(1e-12));
      assertThat(value(m, "teds_struct")).as(gt.id()).isCloseTo(expected, within(1e-12));
      checked++;
    }
    assertThat(checked).isGreaterThan(10);
  }

  @Test
  void changedCharacterInACell() throws IOException {
    for (String line : Files.readAllLines(data.resolve("pubtabnet/PubTabNet_Examples.jsonl"), StandardCharsets.UTF_8)) {
      if (line.isBlank()) {
        continue;
      }
      JsonObject annotation = JsonParser.parseString(line).getAsJsonObject();
      GroundTruth gt = truth.get(annotation.get("filename").getAsString());
      JsonObject html = annotation.getAsJsonObject("html");
      // change the first ASCII letter of the first cell holding at least two letters
      JsonArray cells = html.getAsJsonArray("cells");
      int cellIndex = -1;
      for (int c = 0; c < cells.size() && cellIndex < 0; c++) {
        JsonArray tokens = cells.get(c).getAsJsonObject().getAsJsonArray("tokens");
        long letters = tokens.asList().stream().filter(t -> t.getAsString().matches("[a-z]")).count();
        if (letters >= 2) {
          cellIndex = c;
          for (int t = 0; t < tokens.size(); t++) {
            if (tokens.get(t).getAsString().matches("[a-z]")) {
              String x = tokens.get(t).getAsString();
              tokens.set(t, new com.google.gson.JsonPrimitive(x.equals("q") ? "z" : "q"));
              break;
            }
          }
        }
      }
      String changed = TruthReaders.pubTabNetHtml(html);
      // PubTabNet's cell tokens are the annotation's (characters and inline tags): one substitution among them, over
      // every element below the table (sections, rows, cells, inline elements)
      int length = cells.get(cellIndex).getAsJsonObject().getAsJsonArray("tokens").size();
      int nodes = LibxmlHtml.bodyTable(PageEvaluator.wrapped(gt.tables().get(0))).descendants();
      double expected = 1 - (1.0 / length) / nodes;
      List<Metric> m = PageEvaluator.evaluate(gt, "table", changed, 0, 0);
      assertThat(value(m, "teds_pubtabnet")).as(gt.id()).isCloseTo(expected, within(1e-12));
      assertThat(value(m, "teds_pubtabnet_struct")).as(gt.id()).isEqualTo(1.0);
      assertThat(value(m, "teds_struct")).as(gt.id()).isEqualTo(1.0);
    }
  }

  // ---------------------------------------------------------------------------------------------------- formulas

  @Test
  void formulasAsOutputArePerfect() {
    for (GroundTruth gt : set("im2latex-sample")) {
      assertThat(value(PageEvaluator.evaluate(gt, "formula", gt.formulas().get(0), 0, 0), "formula_ned")).as(gt.id())
          .isEqualTo(0.0);
      assertThat(value(PageEvaluator.evaluate(gt, "parse", "$$" + gt.formulas().get(0) + "$$", 0, 0), "formula_ned"))
          .as(gt.id()).isEqualTo(0.0);
    }
  }

  @Test
  void changedFormulaCharacter() {
    GroundTruth gt = truth.get("7944775fc9.png");
    // \alpha_1^r \gamma_1 + \dots + \alpha_N^r \gamma_N = 0\quad(r=1,...,R)\; ,\label{contrainte}
    // normalised (\quad and spaces deleted, lower-cased), compared character by character; N -> M is one substitution
    String normalised = LatexNormaliser.normalise(gt.formulas().get(0));
    assertThat(normalised).isEqualTo("\\alpha_1^r\\gamma_1+\\dots+\\alpha_n^r\\gamma_n=0(r=1,...,r)\\;,\\label{contrainte}");
    String changed = gt.formulas().get(0).replace("\\alpha_N", "\\alpha_M");
    assertThat(value(PageEvaluator.evaluate(gt, "formula", changed, 0, 0), "formula_ned"))
        .isCloseTo(1.0 / normalised.length(), within(1e-12));
    assertThat(value(PageEvaluator.evaluate(gt, "formula", "", 0, 0), "formula_ned")).isEqualTo(1.0);
  }

  // -------------------------------------------------------------------------------------------------------- text

  @Test
  void textAsOutputIsPerfectAndAChangedCharacterCostsOne() {
    for (String id : List.of("phototest.tif", "eurotext.tif", "8071_093.3B.tif", "linn.png", "phototest-rotated-R.png")) {
      GroundTruth gt = truth.get(id);
      List<Metric> m = PageEvaluator.evaluate(gt, "text", gt.text(), 0, 0);
      assertThat(value(m, "text_ned")).as(id).isEqualTo(0.0);
      assertThat(value(m, "cer")).as(id).isEqualTo(0.0);
    }
    GroundTruth photo = truth.get("phototest.tif");
    String changed = photo.text().replaceFirst("quick", "quack");
    List<Metric> m = PageEvaluator.evaluate(photo, "text", changed, 0, 0);
    int cerLength = TextMetrics.cerNormalise(photo.text()).length();
    int nedLength = TextMetrics.omniNormalise(photo.text()).length();
    assertThat(value(m, "cer")).isCloseTo(1.0 / cerLength, within(1e-12));
    assertThat(value(m, "text_ned")).isCloseTo(1.0 / nedLength, within(1e-12));
  }

  @Test
  void omniDocBenchPagesAsParseOutputArePerfect() {
    for (GroundTruth gt : set("omnidocbench-demo")) {
      StringBuilder markdown = new StringBuilder(gt.text());
      gt.tables().forEach(t -> markdown.append("\n\n").append(t));
      // OmniDocBench's display LaTeX comes with its $$ delimiters; one line each, as a blank line would end the block
      gt.formulas().forEach(f -> markdown.append("\n\n").append(f.replaceAll("\\s*\\n\\s*", " ")));
      List<Metric> m = PageEvaluator.evaluate(gt, "parse", markdown.toString(), 0, 0);
      assertThat(value(m, "text_ned")).as(gt.id()).isEqualTo(0.0);
      if (!gt.tables().isEmpty()) {
        assertThat(value(m, "teds")).as(gt.id()).isEqualTo(1.0);
      }
      if (!gt.formulas().isEmpty()) {
        assertThat(value(m, "formula_ned")).as(gt.id()).isEqualTo(0.0);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------------- spotting

  /** The judged lines as a raw spotting answer, boxes on the 0..1000 grid of a {@code width x height} page. */
  static String spottingAnswer(List<SpotMetrics.Line> lines, int width, int height, int shiftedLine) {
    StringBuilder out = new StringBuilder();
    int judged = 0;
    for (SpotMetrics.Line line : lines) {
      if (line.ignore()) {
        continue;
      }
      SpotMetrics.Rect b = line.box();
      double shift = judged++ == shiftedLine ? b.x2() - b.x1() : 0; // by its whole width: IoU 0
      out.append("<ref>").append(line.text()).append("</ref><quad>(")
          .append(grid(b.x1() + shift, width)).append(',').append(grid(b.y1(), height)).append("),(")
          .append(grid(b.x2() + shift, width)).append(',').append(grid(b.y2(), height)).append(")</quad>");
    }
    return out.toString();
  }

  private static long grid(double v, int size) {
    return Math.round(v * 1000 / size);
  }

  @Test
  void spottingTruthAsOutputIsPerfectAndAShiftedBoxCountsTwice() throws IOException {
    List<GroundTruth> pages = new ArrayList<>(set("omnidocbench-demo"));
    pages.add(truth.get("trainingital.tif"));
    pages.add(truth.get("trainingtimes.tif"));
    for (GroundTruth gt : pages) {
      Path image = gt.set().equals("omnidocbench-demo") ? data.resolve("omnidocbench-demo/images/" + gt.id())
          : data.resolve("tesseract-testing/" + gt.id());
      int[] size = TruthReaders.imageSize(image);
      long judged = gt.lines().stream().filter(l -> !l.ignore()).count();
      List<Metric> perfect = PageEvaluator.evaluate(gt, "spotting", spottingAnswer(gt.lines(), size[0], size[1], -1),
          size[0], size[1]);
      assertThat(value(perfect, "spot_f1")).as(gt.id()).isEqualTo(1.0);
      assertThat(value(perfect, "spot_box_f1")).as(gt.id()).isEqualTo(1.0);
      List<Metric> shifted = PageEvaluator.evaluate(gt, "spotting", spottingAnswer(gt.lines(), size[0], size[1], 0),
          size[0], size[1]);
      double expected = (judged - 1.0) / judged; // one false alarm and one miss
      assertThat(value(shifted, "spot_precision")).as(gt.id()).isCloseTo(expected, within(1e-12));
      assertThat(value(shifted, "spot_recall")).as(gt.id()).isCloseTo(expected, within(1e-12));
      assertThat(value(shifted, "spot_f1")).as(gt.id()).isCloseTo(expected, within(1e-12));
    }
  }


  static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }
}
