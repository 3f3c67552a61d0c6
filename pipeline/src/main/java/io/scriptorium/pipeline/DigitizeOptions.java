package io.scriptorium.pipeline;

import io.scriptorium.model.TaskSpec;
import java.time.LocalDate;
import java.util.List;

/**
 * What one {@code digitize} run reads and writes.
 *
 * @param inputs Hadoop-FS URIs of files or directories (read recursively); empty when {@code manifest} is set
 * @param glob optional file-name glob applied while listing, e.g. {@code *.{png,pdf}}
 * @param manifest optional Parquet or Delta table with a {@code source_uri} column and metadata columns
 * @param warehouse root URI of the Delta warehouse
 * @param collection collection name (partition value) unless the manifest has a {@code collection} column
 * @param batchDate batch date (partition value)
 * @param tasks the model tasks to run on every page
 * @param model model bundle URI, or null for {@code spark.scriptorium.model}
 * @param waitForLive when another run of the same collection and batch date is live: wait for it to end (then skip
 *     what it did) instead of refusing to start
 */
public record DigitizeOptions(
    List<String> inputs,
    String glob,
    String manifest,
    String warehouse,
    String collection,
    LocalDate batchDate,
    List<TaskSpec> tasks,
    String model,
    boolean waitForLive) {

  /** Refuses to start while another run of the same collection and batch date is live. */
  public DigitizeOptions(List<String> inputs, String glob, String manifest, String warehouse, String collection,
      LocalDate batchDate, List<TaskSpec> tasks, String model) {
    this(inputs, glob, manifest, warehouse, collection, batchDate, tasks, model, false);
  }

  public DigitizeOptions {
    inputs = List.copyOf(inputs == null ? List.of() : inputs);
    tasks = List.copyOf(tasks == null ? List.of() : tasks);
    if (inputs.isEmpty() == (manifest == null)) {
      throw new IllegalArgumentException("Give either --input (one or more) or --manifest, not both and not neither");
    }
    // #6: credentials never travel in URIs (they would reach logs and runs.arguments)
    inputs.forEach(uri -> StorageUris.requireNoSecret("--input", uri));
    StorageUris.requireNoSecret("--manifest", manifest);
    StorageUris.requireNoSecret("--warehouse", warehouse);
    StorageUris.requireNoSecret("--model", model);
    if (tasks.isEmpty()) {
      throw new IllegalArgumentException("At least one task is required (--tasks)");
    }
    if (collection == null || collection.isBlank()) {
      collection = "default";
    }
    if (batchDate == null) {
      batchDate = LocalDate.now();
    }
  }
}
