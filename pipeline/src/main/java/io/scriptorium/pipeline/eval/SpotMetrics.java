package io.scriptorium.pipeline.eval;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Text-line detection and recognition scores: precision, recall and F1 of predicted lines against true lines, where a
 * prediction counts when its box has IoU >= {@value #IOU_THRESHOLD} with an unmatched true line and (for the main
 * score) its text equals that line's text after {@link #normaliseText} (NFKC, whitespace removed). Pairs are matched
 * one-to-one, greedily by decreasing IoU. {@link Result#boxOnly} scores the same lines on boxes alone.
 *
 * <p>Regions that are not judged (a true line marked {@code ignore}, or an {@link Region} such as a table, figure or
 * display formula area whose lines the truth does not transcribe) absorb predictions: a prediction that matches an
 * ignored line at the IoU threshold, or lies at least half inside a don't-care region, is neither a hit nor a false
 * alarm.
 */
public final class SpotMetrics {
  public static final double IOU_THRESHOLD = 0.5;
  private static final Pattern SPACES = Pattern.compile("\\s+");

  /** An axis-aligned box in pixels, top-left origin; x1 <= x2, y1 <= y2. */
  public record Rect(double x1, double y1, double x2, double y2) {
    public double area() {
      return Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
    }

    public double intersection(Rect o) {
      double w = Math.min(x2, o.x2) - Math.max(x1, o.x1);
      double h = Math.min(y2, o.y2) - Math.max(y1, o.y1);
      return w <= 0 || h <= 0 ? 0 : w * h;
    }

    public double iou(Rect o) {
      double inter = intersection(o);
      double union = area() + o.area() - inter;
      return union <= 0 ? 0 : inter / union;
    }

    public Rect union(Rect o) {
      return new Rect(Math.min(x1, o.x1), Math.min(y1, o.y1), Math.max(x2, o.x2), Math.max(y2, o.y2));
    }
  }

  /** A text line with its box; {@code ignore} marks a true line that is not judged. */
  public record Line(String text, Rect box, boolean ignore) {
    public Line(String text, Rect box) {
      this(text, box, false);
    }
  }

  /** Counts of one page (or a sum of pages). */
  public record Counts(int truePositives, int falsePositives, int falseNegatives) {
    public Counts plus(Counts o) {
      return new Counts(truePositives + o.truePositives, falsePositives + o.falsePositives,
          falseNegatives + o.falseNegatives);
    }

    /** tp / (tp + fp); 1 when nothing was predicted and nothing was missed, 0 when nothing was predicted but was due. */
    public double precision() {
      int predicted = truePositives + falsePositives;
      return predicted == 0 ? (falseNegatives == 0 ? 1.0 : 0.0) : (double) truePositives / predicted;
    }

    /** tp / (tp + fn); 1 when there was nothing to find and nothing was invented. */
    public double recall() {
      int due = truePositives + falseNegatives;
      return due == 0 ? (falsePositives == 0 ? 1.0 : 0.0) : (double) truePositives / due;
    }

    public double f1() {
      double p = precision();
      double r = recall();
      return p + r == 0 ? 0.0 : 2 * p * r / (p + r);
    }
  }

  /** Main (box and text) and box-only counts. */
  public record Result(Counts withText, Counts boxOnly) {}

  private SpotMetrics() {}

  public static String normaliseText(String text) {
    return text == null ? "" : SPACES.matcher(Normalizer.normalize(text, Normalizer.Form.NFKC)).replaceAll("");
  }

  /**
   * Scores {@code predicted} against {@code truth}; predictions in a {@code dontCare} region (at least half of their
   * area) that match nothing are dropped.
   */
  public static Result score(List<Line> predicted, List<Line> truth, List<Rect> dontCare) {
    return new Result(count(predicted, truth, dontCare, true), count(predicted, truth, dontCare, false));
  }

  private record Pair(int p, int t, double iou) {}

  private static Counts count(List<Line> predicted, List<Line> truth, List<Rect> dontCare, boolean text) {
    List<Pair> pairs = new ArrayList<>();
    for (int p = 0; p < predicted.size(); p++) {
      for (int t = 0; t < truth.size(); t++) {
        double iou = predicted.get(p).box().iou(truth.get(t).box());
        boolean textOk = !text || truth.get(t).ignore()
            || normaliseText(predicted.get(p).text()).equals(normaliseText(truth.get(t).text()));
        if (iou >= IOU_THRESHOLD && textOk) {
          pairs.add(new Pair(p, t, iou));
        }
      }
    }
    pairs.sort(Comparator.comparingDouble(Pair::iou).reversed()
        .thenComparingInt(Pair::p).thenComparingInt(Pair::t));
    boolean[] predUsed = new boolean[predicted.size()];
    boolean[] truthUsed = new boolean[truth.size()];
    int tp = 0;
    // judged lines first, so an ignored line never takes a prediction a real line could have had
    for (boolean ignoredPass : new boolean[] {false, true}) {
      for (Pair pair : pairs) {
        if (predUsed[pair.p()] || truthUsed[pair.t()] || truth.get(pair.t()).ignore() != ignoredPass) {
          continue;
        }
        predUsed[pair.p()] = true;
        truthUsed[pair.t()] = true;
        if (!ignoredPass) {
          tp++;
        }
      }
    }
    int fp = 0;
    for (int p = 0; p < predicted.size(); p++) {
      if (!predUsed[p] && !inside(predicted.get(p).box(), dontCare)) {
        fp++;
      }
    }
    int fn = 0;
    for (int t = 0; t < truth.size(); t++) {
      if (!truthUsed[t] && !truth.get(t).ignore()) {
        fn++;
      }
    }
    return new Counts(tp, fp, fn);
  }

  private static boolean inside(Rect box, List<Rect> regions) {
    double area = box.area();
    for (Rect region : regions) {
      if (area > 0 ? box.intersection(region) >= 0.5 * area : region.x1() <= box.x1() && box.x2() <= region.x2()
          && region.y1() <= box.y1() && box.y2() <= region.y2()) {
        return true;
      }
    }
    return false;
  }
}
