package io.scriptorium.pipeline.eval;

/**
 * What one {@code eval} run reads.
 *
 * @param warehouse root URI of the Delta warehouse
 * @param truth local directory (or {@code file:} URI) holding ground-truth sets; see {@link TruthReaders}
 * @param where Spark SQL predicate over {@link Evaluation#INPUT_VIEW} choosing the outputs to score (null: all), e.g.
 *     {@code model_revision = 'v1.0' AND collection = 'bench'}
 */
public record EvalOptions(String warehouse, String truth, String where) {
  public EvalOptions {
    if (warehouse == null || warehouse.isBlank()) {
      throw new IllegalArgumentException("A warehouse URI is required (--warehouse)");
    }
    if (truth == null || truth.isBlank()) {
      throw new IllegalArgumentException("A ground-truth directory is required (--truth)");
    }
    if (where == null || where.isBlank()) {
      where = "true";
    }
  }
}
