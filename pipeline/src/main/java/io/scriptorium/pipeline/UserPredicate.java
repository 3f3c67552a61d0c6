package io.scriptorium.pipeline;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * A user's {@code --where} predicate (report, reparse, rerun, requeue, eval). It reaches Spark as an expression on a
 * Dataset, never pasted into SQL text: pasted after a table name, {@code pages WHERE (true)} parses (ANSI mode off) as
 * a table alias with a column list. Subqueries over the {@code scriptorium.*} tables work as in SQL.
 */
public final class UserPredicate {
  private UserPredicate() {}

  /** The rows of {@code table} the predicate selects; {@code alias} lets it qualify columns ({@code pages.status}). */
  public static Dataset<Row> select(Dataset<Row> table, String alias, String predicate) {
    if (predicate == null || predicate.isBlank()) {
      throw new IllegalArgumentException("A --where predicate is required (use 'true' to select everything)");
    }
    return table.as(alias).where(functions.expr(predicate));
  }
}
