package io.scriptorium.pipeline;

import io.scriptorium.model.TaskSpec;
import java.util.List;

/**
 * A re-inference of selected pages.
 *
 * @param warehouse root URI of the Delta warehouse
 * @param where SQL predicate over {@code scriptorium.current_outputs} choosing the pages, e.g.
 *     {@code batch_date = '2026-11-24' AND task = 'parse' AND finish_reason = 'length'}
 * @param tasks tasks to run on the selected pages
 * @param model model bundle URI, or null for {@code spark.scriptorium.model}
 * @param promptSet prompt language of the bundle's prompts ({@code zh} or {@code en}), or null for the default
 */
public record RerunOptions(String warehouse, String where, List<TaskSpec> tasks, String model, String promptSet) {
  public RerunOptions {
    tasks = List.copyOf(tasks == null ? List.of() : tasks);
    if (where == null || where.isBlank()) {
      throw new IllegalArgumentException("A --where predicate is required: rerun never re-infers a whole warehouse by accident");
    }
    if (tasks.isEmpty()) {
      throw new IllegalArgumentException("At least one task is required (--tasks)");
    }
    StorageUris.requireNoSecret("--warehouse", warehouse);
    StorageUris.requireNoSecret("--model", model);
  }
}
