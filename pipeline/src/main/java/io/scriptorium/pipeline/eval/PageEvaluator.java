package io.scriptorium.pipeline.eval;

import io.scriptorium.pipeline.parse.Block;
import io.scriptorium.pipeline.parse.BlockKind;
import io.scriptorium.pipeline.parse.Box;
import io.scriptorium.pipeline.parse.Formula;
import io.scriptorium.pipeline.parse.OutputParsers;
import io.scriptorium.pipeline.parse.ParsedDocument;
import io.scriptorium.pipeline.parse.Spot;
import io.scriptorium.pipeline.parse.Table;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * Scores one model output of one page against the page's {@link GroundTruth}. Outputs are read with
 * {@link OutputParsers}, as the pipeline reads them:
 *
 * <ul>
 *   <li>{@code parse}: text metrics on the document's text blocks (headings, paragraphs, list items, code, figure
 *       captions; joined in output order), TEDS on its tables, formula NED on its display formulas;
 *   <li>{@code text}: text metrics on the whole answer (repetition trimmed);
 *   <li>{@code table}: TEDS on the answer's table; {@code formula}: formula NED on the answer's formula;
 *   <li>{@code spotting}: line precision, recall and F1 ({@link SpotMetrics}), boxes scaled to the page's pixels.
 * </ul>
 *
 * <p>Several tables or formulas are paired one-to-one, best pairs first (highest TEDS, lowest NED); a true item left
 * without a partner scores TEDS 0 or NED 1, and extra predicted items are not scored. A page's value is the mean over
 * its true items.
 */
public final class PageEvaluator {
  /** One score of one page and task. */
  public record Metric(String task, String metric, double value, int items, String detail) {}

  public static final String TEXT_NED = "text_ned";
  public static final String CER = "cer";
  public static final String TEDS = "teds";
  public static final String TEDS_STRUCT = "teds_struct";
  public static final String FORMULA_NED = "formula_ned";
  public static final String SPOT_PRECISION = "spot_precision";
  public static final String SPOT_RECALL = "spot_recall";
  public static final String SPOT_F1 = "spot_f1";
  public static final String SPOT_BOX_PRECISION = "spot_box_precision";
  public static final String SPOT_BOX_RECALL = "spot_box_recall";
  public static final String SPOT_BOX_F1 = "spot_box_f1";

  private static final Set<BlockKind> TEXT_BLOCKS =
      Set.of(BlockKind.HEADING, BlockKind.PARAGRAPH, BlockKind.LIST_ITEM, BlockKind.CODE, BlockKind.FIGURE);

  private PageEvaluator() {}

  /**
   * The scores of {@code rawOutput} (a model answer to {@code task}) on a page of {@code width x height} pixels (the
   * size spotting boxes are scaled to); empty when the truth has nothing this task can be scored on.
   */
  public static List<Metric> evaluate(GroundTruth truth, String task, String rawOutput, int width, int height) {
    String key = task == null ? "" : task.toLowerCase(Locale.ROOT);
    List<Metric> out = new ArrayList<>();
    switch (key) {
      case "parse" -> {
        ParsedDocument doc = OutputParsers.document(rawOutput);
        if (truth.text() != null) {
          out.addAll(text(key, documentText(doc), truth.text()));
        }
        if (!truth.tables().isEmpty()) {
          out.addAll(tables(key, doc.tables(), truth.tables()));
        }
        if (!truth.formulas().isEmpty()) {
          out.add(formulas(key, doc.formulas().stream().filter(Formula::display).map(Formula::latex).toList(),
              truth.formulas()));
        }
      }
      case "text" -> {
        if (truth.text() != null) {
          out.addAll(text(key, OutputParsers.trimRepetition(rawOutput).text(), truth.text()));
        }
      }
      case "table" -> {
        if (!truth.tables().isEmpty()) {
          Table table = OutputParsers.table(rawOutput);
          out.addAll(tables(key, table.rows() == 0 ? List.of() : List.of(table), truth.tables()));
        }
      }
      case "formula" -> {
        if (!truth.formulas().isEmpty()) {
          Formula formula = OutputParsers.formula(rawOutput);
          out.add(formulas(key, formula.latex().isBlank() ? List.of() : List.of(formula.latex()), truth.formulas()));
        }
      }
      case "spotting" -> {
        if (truth.hasLines() && width > 0 && height > 0) {
          out.addAll(spotting(key, rawOutput, truth, width, height));
        }
      }
      default -> { }
    }
    return out;
  }

  /** The running text of a parsed document: its text-like blocks in order, blank-line separated. */
  public static String documentText(ParsedDocument doc) {
    StringBuilder text = new StringBuilder();
    for (Block block : doc.blocks()) {
      if (TEXT_BLOCKS.contains(block.kind()) && !block.text().isBlank()) {
        if (text.length() > 0) {
          text.append("\n\n");
        }
        text.append(block.text());
      }
    }
    return text.toString();
  }

  private static List<Metric> text(String task, String predicted, String truth) {
    int chars = TextMetrics.omniNormalise(truth).codePointCount(0, TextMetrics.omniNormalise(truth).length());
    return List.of(
        new Metric(task, TEXT_NED, TextMetrics.ned(predicted, truth), chars, null),
        new Metric(task, CER, TextMetrics.cer(predicted, truth), TextMetrics.cerLength(truth), null));
  }

  private static List<Metric> tables(String task, List<Table> predicted, List<String> truth) {
    List<Teds.Node> p = predicted.stream().map(Teds::tree).toList();
    List<Teds.Node> t = truth.stream().map(Teds::tree).toList();
    int[] pairing = pair(p, t, Teds::teds);
    double teds = 0;
    double struct = 0;
    for (int i = 0; i < t.size(); i++) {
      if (pairing[i] >= 0) {
        teds += Teds.teds(p.get(pairing[i]), t.get(i));
        struct += Teds.tedsStructure(p.get(pairing[i]), t.get(i));
      }
    }
    String detail = "{\"predicted_tables\":" + p.size() + ",\"true_tables\":" + t.size() + "}";
    return List.of(
        new Metric(task, TEDS, teds / t.size(), t.size(), detail),
        new Metric(task, TEDS_STRUCT, struct / t.size(), t.size(), detail));
  }

  private static Metric formulas(String task, List<String> predicted, List<String> rawTruth) {
    // the truth is read like an answer too, so delimiters and equation numbers count on neither side
    List<String> truth = rawTruth.stream().map(t -> OutputParsers.formula(t).latex()).toList();
    int[] pairing = pair(predicted, truth, (a, b) -> 1.0 - LatexNormaliser.ned(a, b));
    double sum = 0;
    for (int i = 0; i < truth.size(); i++) {
      sum += pairing[i] >= 0 ? LatexNormaliser.ned(predicted.get(pairing[i]), truth.get(i)) : 1.0;
    }
    String detail = "{\"predicted_formulas\":" + predicted.size() + ",\"true_formulas\":" + truth.size() + "}";
    return new Metric(task, FORMULA_NED, sum / truth.size(), truth.size(), detail);
  }

  private static List<Metric> spotting(String task, String raw, GroundTruth truth, int width, int height) {
    List<SpotMetrics.Line> predicted = new ArrayList<>();
    for (Spot spot : OutputParsers.spotting(raw).records()) {
      Box grid = spot.box();
      SpotMetrics.Rect rect;
      if (grid == null) {
        rect = new SpotMetrics.Rect(0, 0, 0, 0);
      } else {
        Box px = grid.denormalize(width, height);
        rect = new SpotMetrics.Rect(px.x1(), px.y1(), px.x2(), px.y2());
      }
      predicted.add(new SpotMetrics.Line(spot.text(), rect));
    }
    SpotMetrics.Result r = SpotMetrics.score(predicted, truth.lines(), truth.dontCare());
    int judged = (int) truth.lines().stream().filter(l -> !l.ignore()).count();
    String detail = String.format(Locale.ROOT,
        "{\"tp\":%d,\"fp\":%d,\"fn\":%d,\"box_tp\":%d,\"box_fp\":%d,\"box_fn\":%d,\"predicted_lines\":%d}",
        r.withText().truePositives(), r.withText().falsePositives(), r.withText().falseNegatives(),
        r.boxOnly().truePositives(), r.boxOnly().falsePositives(), r.boxOnly().falseNegatives(), predicted.size());
    return List.of(
        new Metric(task, SPOT_PRECISION, r.withText().precision(), judged, detail),
        new Metric(task, SPOT_RECALL, r.withText().recall(), judged, detail),
        new Metric(task, SPOT_F1, r.withText().f1(), judged, detail),
        new Metric(task, SPOT_BOX_PRECISION, r.boxOnly().precision(), judged, detail),
        new Metric(task, SPOT_BOX_RECALL, r.boxOnly().recall(), judged, detail),
        new Metric(task, SPOT_BOX_F1, r.boxOnly().f1(), judged, detail));
  }

  /**
   * One-to-one pairing by decreasing similarity: {@code result[t]} is the index of the prediction paired with true item
   * {@code t}, or -1.
   */
  static <P, T> int[] pair(List<P> predicted, List<T> truth, BiFunction<P, T, Double> similarity) {
    record Candidate(int p, int t, double score) {}
    List<Candidate> candidates = new ArrayList<>();
    for (int p = 0; p < predicted.size(); p++) {
      for (int t = 0; t < truth.size(); t++) {
        candidates.add(new Candidate(p, t, similarity.apply(predicted.get(p), truth.get(t))));
      }
    }
    candidates.sort(Comparator.comparingDouble(Candidate::score).reversed()
        .thenComparingInt(Candidate::t).thenComparingInt(Candidate::p));
    int[] pairing = new int[truth.size()];
    java.util.Arrays.fill(pairing, -1);
    boolean[] used = new boolean[predicted.size()];
    for (Candidate c : candidates) {
      if (pairing[c.t()] < 0 && !used[c.p()]) {
        pairing[c.t()] = c.p();
        used[c.p()] = true;
      }
    }
    return pairing;
  }
}
