package io.scriptorium.pipeline.eval;

import io.scriptorium.pipeline.text.EditDistance;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * OmniDocBench's end-to-end text protocol for one page ({@code text_ned_blocks}), with its {@code simple_match}
 * matcher ({@code match_gt2pred_simple} in {@code utils/match.py}):
 *
 * <ol>
 *   <li>truth blocks: text-like blocks and display formulas (truncated blocks already merged, in reading order),
 *       normalised as {@link TextMetrics#omniNormalise} or {@link LatexNormaliser#normalise}; predicted blocks
 *       normalised as text; blocks whose text or normalised text is empty are left out;
 *   <li>a minimum-cost one-to-one assignment on the matrix of normalised edit distances (scipy's
 *       {@code linear_sum_assignment}; equal-cost alternatives may be chosen differently here); a truth block left
 *       without a partner is a sample with an empty prediction, predicted blocks left over are not scored;
 *   <li>samples of display formulas and of the categories OmniDocBench ignores for text (captions, footnotes, headers,
 *       footers, page numbers, code) are dropped; the page's value is the summed edit distances over the summed
 *       longer lengths of the remaining samples (its per-page {@code Edit_dist}).
 * </ol>
 *
 * <p>OmniDocBench's default matcher, {@code quick_match}, additionally merges and splits blocks to undo differences in
 * paragraph segmentation; that part is not reproduced, and the predicted blocks are those of our Markdown parser
 * rather than of OmniDocBench's {@code md_tex_filter}.
 */
public final class OmniPageMatcher {
  /** A truth block: OmniDocBench category and its text ({@code text}, or {@code latex} for display formulas). */
  public record TruthBlock(String category, String text) {}

  /** The page's figure: summed edits over summed lengths (0 when nothing was scored), and the counts behind it. */
  public record Result(double value, int samples, long edits, long length) {}

  /** Truth categories OmniDocBench matches as text (its {@code gt_mix}), display formulas aside. */
  public static final Set<String> TEXT_CATEGORIES = Set.of("text_block", "title", "code_txt", "code_txt_caption",
      "reference", "equation_caption", "figure_caption", "figure_footnote", "table_caption", "table_footnote",
      "code_algorithm", "code_algorithm_caption", "header", "footer", "page_footnote", "page_number");
  /** Of those, the ones matched but then left out of the text score. */
  public static final Set<String> IGNORED = Set.of("figure_caption", "figure_footnote", "table_caption",
      "table_footnote", "code_algorithm", "code_algorithm_caption", "header", "footer", "page_footnote", "page_number",
      "equation_caption");
  static final String FORMULA = "equation_isolated";

  private OmniPageMatcher() {}

  /** Matches {@code predicted} text blocks (Markdown, inline math delimited) to the truth blocks and scores them. */
  public static Result match(List<TruthBlock> truth, List<String> predicted) {
    List<String> gtRaw = new ArrayList<>();
    List<String> gtNorm = new ArrayList<>();
    List<String> gtCategory = new ArrayList<>();
    for (TruthBlock b : truth) {
      String raw = b.text() == null ? "" : b.text();
      String norm = FORMULA.equals(b.category()) ? LatexNormaliser.normalise(raw) : TextMetrics.omniNormalise(raw);
      if (!raw.isEmpty() && !norm.isEmpty()) {
        gtRaw.add(raw);
        gtNorm.add(norm);
        gtCategory.add(b.category());
      }
    }
    List<String> predRaw = new ArrayList<>();
    List<String> predNorm = new ArrayList<>();
    for (String p : predicted) {
      String norm = TextMetrics.omniNormalise(p);
      if (p != null && !p.isEmpty() && !norm.isEmpty()) {
        predRaw.add(p);
        predNorm.add(norm);
      }
    }
    int[] assigned = new int[gtNorm.size()];
    Arrays.fill(assigned, -1);
    if (!gtNorm.isEmpty() && !predNorm.isEmpty()) {
      double[][] cost = new double[gtNorm.size()][predNorm.size()];
      for (int i = 0; i < cost.length; i++) {
        for (int j = 0; j < cost[i].length; j++) {
          cost[i][j] = EditDistance.normalised(EditDistance.codePoints(gtNorm.get(i)),
              EditDistance.codePoints(predNorm.get(j)));
        }
      }
      assigned = assignment(cost);
    }
    long edits = 0;
    long length = 0;
    int samples = 0;
    for (int i = 0; i < gtNorm.size(); i++) {
      if (FORMULA.equals(gtCategory.get(i)) || IGNORED.contains(gtCategory.get(i))) {
        continue;
      }
      String p = assigned[i] >= 0 ? predNorm.get(assigned[i]) : "";
      String g = gtNorm.get(i);
      int[] pc = EditDistance.codePoints(p);
      int[] gc = EditDistance.codePoints(g);
      edits += EditDistance.distance(pc, gc);
      length += Math.max(pc.length, gc.length);
      samples++;
    }
    return new Result(length == 0 ? 0.0 : (double) edits / length, samples, edits, length);
  }

  /**
   * A minimum-cost assignment of rows to columns of a rectangular matrix (Hungarian method with potentials): each row
   * gets a distinct column, or -1 when there are more rows than columns.
   */
  static int[] assignment(double[][] cost) {
    int rows = cost.length;
    int cols = cost[0].length;
    boolean transposed = rows > cols;
    int n = transposed ? cols : rows; // the smaller side is assigned completely
    int m = transposed ? rows : cols;
    double[] u = new double[n + 1];
    double[] v = new double[m + 1];
    int[] p = new int[m + 1];
    int[] way = new int[m + 1];
    for (int i = 1; i <= n; i++) {
      p[0] = i;
      int j0 = 0;
      double[] minv = new double[m + 1];
      Arrays.fill(minv, Double.POSITIVE_INFINITY);
      boolean[] used = new boolean[m + 1];
      do {
        used[j0] = true;
        int i0 = p[j0];
        double delta = Double.POSITIVE_INFINITY;
        int j1 = 0;
        for (int j = 1; j <= m; j++) {
          if (!used[j]) {
            double c = (transposed ? cost[j - 1][i0 - 1] : cost[i0 - 1][j - 1]) - u[i0] - v[j];
            if (c < minv[j]) {
              minv[j] = c;
              way[j] = j0;
            }
            if (minv[j] < delta) {
              delta = minv[j];
              j1 = j;
            }
          }
        }
        for (int j = 0; j <= m; j++) {
          if (used[j]) {
            u[p[j]] += delta;
            v[j] -= delta;
          } else {
            minv[j] -= delta;
          }
        }
        j0 = j1;
      } while (p[j0] != 0);
      do {
        int j1 = way[j0];
        p[j0] = p[j1];
        j0 = j1;
      } while (j0 != 0);
    }
    int[] result = new int[rows];
    Arrays.fill(result, -1);
    for (int j = 1; j <= m; j++) {
      if (p[j] != 0) {
        if (transposed) {
          result[j - 1] = p[j] - 1;
        } else {
          result[p[j] - 1] = j - 1;
        }
      }
    }
    return result;
  }
}
