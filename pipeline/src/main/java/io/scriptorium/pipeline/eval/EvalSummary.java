package io.scriptorium.pipeline.eval;

import java.util.List;

/**
 * What an {@code eval} run did.
 *
 * @param evalId id of the run (column {@code eval_id} of the {@code eval} table)
 * @param truthPages pages found in the ground-truth directory
 * @param outputsSelected model outputs the predicate selected whose page has ground truth
 * @param outputsScored of those, outputs of a task the page's truth can score
 * @param rowsWritten rows appended to the {@code eval} table
 * @param overall the overall rows, as written
 */
public record EvalSummary(
    String evalId, long truthPages, long outputsSelected, long outputsScored, long rowsWritten, List<Overall> overall) {

  /** One overall figure: mean over pages of a metric, per truth set, model revision, prompt and task. */
  public record Overall(String truthSet, String modelRevision, String task, String metric, double value, int pages) {}
}
