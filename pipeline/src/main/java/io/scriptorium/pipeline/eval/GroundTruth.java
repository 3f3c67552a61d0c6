package io.scriptorium.pipeline.eval;

import java.util.List;

/**
 * What is known to be on one labelled page. Every part is optional: a set provides what it annotates.
 *
 * @param set the truth set (the directory the annotation came from, e.g. {@code pubtabnet})
 * @param id the page image's file name, which is how model outputs find their truth
 * @param text the page's running text in reading order (no tables, display formulas, headers or footers); null when
 *     the set has none
 * @param tables the page's tables as HTML, in reading order
 * @param formulas the page's display formulas as LaTeX, in reading order
 * @param lines the page's text lines with pixel boxes (top-left origin), for spotting; empty when the set has none
 * @param dontCare regions whose lines are not transcribed (tables, figures, display formulas): spotted lines there
 *     are not judged
 * @param textBlocks OmniDocBench truth only: the blocks its end-to-end text protocol matches ({@link OmniPageMatcher}),
 *     truncated blocks merged, in reading order; empty for other sets
 */
public record GroundTruth(
    String set,
    String id,
    String text,
    List<String> tables,
    List<String> formulas,
    List<SpotMetrics.Line> lines,
    List<SpotMetrics.Rect> dontCare,
    List<OmniPageMatcher.TruthBlock> textBlocks) {

  public GroundTruth(String set, String id, String text, List<String> tables, List<String> formulas,
      List<SpotMetrics.Line> lines, List<SpotMetrics.Rect> dontCare) {
    this(set, id, text, tables, formulas, lines, dontCare, List.of());
  }

  public GroundTruth {
    textBlocks = textBlocks == null ? List.of() : List.copyOf(textBlocks);
    tables = tables == null ? List.of() : List.copyOf(tables);
    formulas = formulas == null ? List.of() : List.copyOf(formulas);
    lines = lines == null ? List.of() : List.copyOf(lines);
    dontCare = dontCare == null ? List.of() : List.copyOf(dontCare);
  }

  public boolean hasLines() {
    return lines.stream().anyMatch(l -> !l.ignore());
  }
}
