package io.scriptorium.pipeline.eval;

import io.scriptorium.pipeline.derive.ParsedOutput;
import io.scriptorium.pipeline.derive.TaskParameters;
import io.scriptorium.pipeline.derive.TaskRegistry;
import io.scriptorium.pipeline.parse.Block;
import io.scriptorium.pipeline.parse.BlockKind;
import io.scriptorium.pipeline.parse.Box;
import io.scriptorium.pipeline.parse.Formula;
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
 * Scores one model output of one page against the page's {@link GroundTruth}. Outputs are read through
 * {@link TaskRegistry}, as the pipeline reads them:
 *
 * <ul>
 *   <li>{@code parse}: text metrics on the document's text blocks (headings, paragraphs, list items, code, figure
 *       captions), TEDS on its tables, formula NED on its display formulas;
 *   <li>{@code text}: text metrics on the whole answer (repetition trimmed);
 *   <li>{@code table}: TEDS on the answer's table; {@code formula}: formula NED on the answer's formula;
 *   <li>{@code spotting}: line precision, recall and F1 ({@link SpotMetrics}), boxes scaled to the page's pixels.
 * </ul>
 *
 * <p>Text: {@code text_ned} is OmniDocBench's block-level normalised edit distance ({@link TextMetrics#ned}) of the
 * page text taken as one block, {@code text_ned_blocks} (OmniDocBench truth only) follows OmniDocBench's end-to-end
 * protocol ({@link OmniPageMatcher}: predicted blocks matched to truth blocks, page value = summed edits over summed
 * lengths), {@code cer} is ours. Tables: {@code teds}/{@code teds_struct} OmniDocBench's, {@code teds_pubtabnet}/
 * {@code teds_pubtabnet_struct} PubTabNet's, both sides wrapped in {@code <html><body>} when they are bare tables (the
 * form PubTabNet's own files have), so that the PubTabNet figure is not 0 by its wrapping quirk. Formulas:
 * {@code formula_ned} OmniDocBench's.
 *
 * <p>Several tables or formulas are paired one-to-one, best pairs first (highest TEDS, lowest NED); a true item left
 * without a partner scores TEDS 0 or NED 1, and extra predicted items are not scored. A page's value is the mean over
 * its true items.
 */
public final class PageEvaluator {
  /** One score of one page and task. */
  public record Metric(String task, String metric, double value, int items, String detail) {}

  public static final String TEXT_NED = "text_ned";
  public static final String TEXT_NED_BLOCKS = "text_ned_blocks";
  public static final String TEDS_PUBTABNET = "teds_pubtabnet";
  public static final String TEDS_PUBTABNET_STRUCT = "teds_pubtabnet_struct";
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
    return TaskRegistry.byKey(key).map(known -> TaskRegistry.parse(known, rawOutput, TaskParameters.NONE)
        .match(new ParsedOutput.Cases<List<Metric>>() {
          @Override
          public List<Metric> document(ParsedOutput.Document parsed) {
            ParsedDocument doc = parsed.document();
            List<Metric> out = new ArrayList<>();
            if (truth.text() != null) {
              out.addAll(PageEvaluator.text(key, documentText(doc), truth.text()));
            }
            if (!truth.textBlocks().isEmpty()) {
              List<String> predicted = doc.blocks().stream()
                  .filter(b -> TEXT_BLOCKS.contains(b.kind()) && !b.text().isBlank()).map(Block::text).toList();
              out.add(blocks(key, predicted, truth.textBlocks()));
            }
            if (!truth.tables().isEmpty()) {
              List<String> raw = rawTables(rawOutput);
              out.addAll(tables(key, raw.isEmpty() ? doc.tables().stream().map(Table::sanitisedHtml).toList() : raw,
                  truth.tables()));
            }
            if (!truth.formulas().isEmpty()) {
              out.add(formulas(key, doc.formulas().stream().filter(Formula::display).map(Formula::latex).toList(),
                  truth.formulas()));
            }
            return out;
          }

          @Override
          public List<Metric> text(ParsedOutput.PlainText parsed) {
            return truth.text() == null ? List.of() : PageEvaluator.text(key, parsed.trimmed().text(), truth.text());
          }

          @Override
          public List<Metric> table(ParsedOutput.TableAnswer parsed) {
            return truth.tables().isEmpty() ? List.of()
                : tables(key, parsed.table().rows() == 0 ? List.of() : List.of(rawOutput), truth.tables());
          }

          @Override
          public List<Metric> formula(ParsedOutput.FormulaAnswer parsed) {
            String latex = parsed.formula().latex();
            return truth.formulas().isEmpty() ? List.of()
                : List.of(formulas(key, latex.isBlank() ? List.of() : List.of(latex), truth.formulas()));
          }

          @Override
          public List<Metric> spots(ParsedOutput.Spots parsed) {
            return truth.hasLines() && width > 0 && height > 0
                ? spotting(key, parsed.spots(), truth, width, height) : List.of();
          }

          // Kinds with nothing to score against a page's truth.

          @Override
          public List<Metric> translated(ParsedOutput.Translated parsed) {
            return List.of();
          }

          @Override
          public List<Metric> charts(ParsedOutput.Charts parsed) {
            return List.of();
          }

          @Override
          public List<Metric> fields(ParsedOutput.Fields parsed) {
            return List.of();
          }

          @Override
          public List<Metric> subtitles(ParsedOutput.Subtitles parsed) {
            return List.of();
          }

          @Override
          public List<Metric> answers(ParsedOutput.Answers parsed) {
            return List.of();
          }
        })).orElse(List.of());
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
    Double ned = TextMetrics.ned(predicted, truth);
    int chars = Py.len(TextMetrics.omniNormalise(truth));
    return List.of(
        new Metric(task, TEXT_NED, ned == null ? 0.0 : ned, chars, null),
        new Metric(task, CER, TextMetrics.cer(predicted, truth), TextMetrics.cerLength(truth), null));
  }

  private static Metric blocks(String task, List<String> predicted, List<OmniPageMatcher.TruthBlock> truth) {
    OmniPageMatcher.Result r = OmniPageMatcher.match(truth, predicted);
    String detail = "{\"matched_samples\":" + r.samples() + ",\"edits\":" + r.edits() + ",\"length\":" + r.length()
        + "}";
    return new Metric(task, TEXT_NED_BLOCKS, r.value(), r.samples(), detail);
  }

  private static List<Metric> tables(String task, List<String> predicted, List<String> truth) {
    int[] pairing = pair(predicted, truth, (p, t) -> Teds.omniDocBench(p, t, false));
    double[] sums = new double[4];
    for (int i = 0; i < truth.size(); i++) {
      if (pairing[i] >= 0) {
        String p = predicted.get(pairing[i]);
        String t = truth.get(i);
        sums[0] += Teds.omniDocBench(p, t, false);
        sums[1] += Teds.omniDocBench(p, t, true);
        sums[2] += Teds.pubTabNet(wrapped(p), wrapped(t), false);
        sums[3] += Teds.pubTabNet(wrapped(p), wrapped(t), true);
      }
    }
    int n = truth.size();
    String detail = "{\"predicted_tables\":" + predicted.size() + ",\"true_tables\":" + n + "}";
    return List.of(
        new Metric(task, TEDS, sums[0] / n, n, detail),
        new Metric(task, TEDS_STRUCT, sums[1] / n, n, detail),
        new Metric(task, TEDS_PUBTABNET, sums[2] / n, n, detail),
        new Metric(task, TEDS_PUBTABNET_STRUCT, sums[3] / n, n, detail));
  }

  private static final java.util.regex.Pattern RAW_TABLE =
      java.util.regex.Pattern.compile("<table\\b.*?</table>", java.util.regex.Pattern.CASE_INSENSITIVE
          | java.util.regex.Pattern.DOTALL);

  /** The HTML tables of a Markdown answer as written (the references normalise the markup themselves). */
  static List<String> rawTables(String markdown) {
    List<String> out = new ArrayList<>();
    if (markdown != null) {
      java.util.regex.Matcher m = RAW_TABLE.matcher(markdown);
      while (m.find()) {
        out.add(m.group());
      }
    }
    return out;
  }

  /** Table HTML as a document, the form PubTabNet's metric expects. */
  static String wrapped(String html) {
    String s = html == null ? "" : html.strip();
    if (s.isEmpty() || s.regionMatches(true, 0, "<html", 0, 5)) {
      return s;
    }
    return "<html><body>" + s + "</body></html>";
  }

  private static Metric formulas(String task, List<String> predicted, List<String> truth) {
    int[] pairing = pair(predicted, truth, (a, b) -> 1.0 - formulaNed(a, b));
    double sum = 0;
    for (int i = 0; i < truth.size(); i++) {
      sum += pairing[i] >= 0 ? formulaNed(predicted.get(pairing[i]), truth.get(i)) : 1.0;
    }
    String detail = "{\"predicted_formulas\":" + predicted.size() + ",\"true_formulas\":" + truth.size() + "}";
    return new Metric(task, FORMULA_NED, sum / truth.size(), truth.size(), detail);
  }

  private static double formulaNed(String prediction, String truth) {
    Double ned = LatexNormaliser.ned(prediction, truth);
    return ned == null ? 0.0 : ned;
  }

  private static List<Metric> spotting(String task, List<Spot> spots, GroundTruth truth, int width, int height) {
    List<SpotMetrics.Line> predicted = new ArrayList<>();
    for (Spot spot : spots) {
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
