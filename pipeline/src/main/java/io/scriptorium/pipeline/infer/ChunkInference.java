package io.scriptorium.pipeline.infer;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;

import io.scriptorium.model.BundleException;
import io.scriptorium.model.ModelInfo;
import io.scriptorium.pipeline.plan.PagePlanner;
import io.scriptorium.pipeline.vocab.ErrorClass;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one chunk's inference as a Spark job and stages its result rows, so that a page that kills its executor costs
 * only itself.
 *
 * <p>{@link PartitionInference} turns anything a page throws into the page's failed row, but a JVM that dies (a native
 * crash, the kernel's OOM killer) takes its tasks with it, and once a task has failed {@code spark.task.maxFailures}
 * times (or, as the shuffle output the dead executors held is lost too, a stage
 * {@code spark.stage.maxConsecutiveAttempts} times) Spark aborts the job of the whole chunk. Then the chunk's pages, in (source_uri, page_no) order, are split in
 * halves, each inferred by a job of its own, and failing halves again, down to single pages: the rows of pieces that
 * succeed are kept, and a page whose own job still fails gets a failed row ({@code executor_lost}, or
 * {@code unexpected_error} when the executor survived), so its attempts grow and it is quarantined like any page.
 *
 * <p>Systemic faults still fail the run, with the cause chained: a job that fails for another reason than its tasks,
 * a model that cannot be loaded, and a chunk whose every piece fails down to its quarters. (Down to quarters, not
 * halves: two bad pages in different halves must not look like a broken cluster, or the same chunk would fail every
 * night and its pages would never reach quarantine.)
 */
public final class ChunkInference {
  private static final Logger LOG = LoggerFactory.getLogger(ChunkInference.class);
  /** The local property {@link SparkContext#setJobDescription} sets (Spark's constant for it is private). */
  public static final String JOB_DESCRIPTION = "spark.job.description";
  /** Splits after which a chunk of which no piece has succeeded counts as a systemic fault. */
  private static final int SYSTEMIC_SPLITS = 2;
  /** What Spark's DAGScheduler says when it aborts a job because a task, or a stage, failed too often. */
  private static final Pattern TASK_FAILED = Pattern.compile(
      "Task \\S+ in stage \\S+ failed \\d+ times?, most recent failure: ([^\\n]*)"
          + "|(has failed the maximum allowable number of times: \\d+)\\. Most recent failure reason:\\s*([^\\n]*)");
  /** Failure reasons that say an executor died: its tasks were lost, or the shuffle output it held. */
  private static final Pattern EXECUTOR_DIED = Pattern.compile("ExecutorLostFailure|FetchFailed");
  /** The failing executor in that reason: {@code Lost task 0.1 in stage 3.0 (TID 7) (host executor 2): ...}. */
  private static final Pattern EXECUTOR = Pattern.compile("\\(\\S+ executor ([^)\\s]+)\\)");

  private final SparkSession spark;
  private final MapPartitionsFunction<Row, Row> inference;
  private final PartitionInference.Settings settings;
  private final ModelInfo model;
  private final InferenceStage stage;
  private final ExecutorExits exits = new ExecutorExits();

  public ChunkInference(SparkSession spark, PartitionInference inference, ModelInfo model, InferenceStage stage) {
    this(spark, inference, inference.settings(), model, stage);
  }

  /** With any function of plan rows to {@link PartitionInference#RESULT_SCHEMA} rows (tests inject faults). */
  ChunkInference(SparkSession spark, MapPartitionsFunction<Row, Row> inference, PartitionInference.Settings settings,
      ModelInfo model, InferenceStage stage) {
    this.spark = spark;
    this.inference = inference;
    this.settings = settings;
    this.model = model;
    this.stage = stage;
  }

  /**
   * Infers the chunk's {@code pageCount} plan rows and stages one result row per page under {@code staging}, to be read
   * with {@code spark.read().schema(RESULT_SCHEMA).parquet(staging)}. After a split, the pieces are staged beside it
   * ({@code staging-pieces/}) and gathered into it at the end.
   *
   * @param chunk names the chunk in logs and in the Spark UI's job descriptions, e.g. {@code chunk 2/5}
   */
  public void run(Dataset<Row> rows, long pageCount, String staging, String chunk) {
    SparkContext context = spark.sparkContext();
    String description = context.getLocalProperty(JOB_DESCRIPTION);
    context.addSparkListener(exits);
    try {
      Failure failure = infer(rows, pageCount, staging, chunk + ": infer " + pageCount + " pages");
      if (failure != null) {
        split(rows, staging, chunk, failure);
      }
    } finally {
      context.setJobDescription(description);
      context.removeSparkListener(exits);
    }
  }

  /** A piece of the chunk: pages {@code from} (inclusive) to {@code to} (exclusive) in key order. */
  private record Piece(int from, int to, Failure failure) {
    int size() {
      return to - from;
    }
  }

  /**
   * A job aborted because its tasks kept failing: Spark's reason for the last failure, the whole exception, and the
   * executors that were removed while the job ran.
   */
  private record Failure(String reason, Exception exception, List<ExecutorExit> exits) {}

  private record ExecutorExit(String executorId, String reason) {}

  /** Executors removed while the chunk runs, with Spark's reason: an exit code, a lost heartbeat. */
  private static final class ExecutorExits extends SparkListener {
    private final List<ExecutorExit> exits = new CopyOnWriteArrayList<>();

    @Override
    public void onExecutorRemoved(SparkListenerExecutorRemoved removed) {
      exits.add(new ExecutorExit(removed.executorId(), removed.reason()));
    }

    int count() {
      return exits.size();
    }

    List<ExecutorExit> since(int from) {
      return List.copyOf(exits.subList(from, exits.size()));
    }
  }

  /** Infers the pieces of a failed chunk, level by level: halves, then halves of the halves that failed, and so on. */
  private void split(Dataset<Row> rows, String staging, String chunk, Failure whole) {
    delete(staging); // the failed job's partial output
    String pieces = staging + "-pieces";
    List<Row> keys = rows.select("source_uri", "page_no").orderBy("source_uri", "page_no").collectAsList();
    List<String> kept = new ArrayList<>();
    List<Row> lost = new ArrayList<>();
    List<Piece> failed = List.of(new Piece(0, keys.size(), whole));
    boolean anySucceeded = false;
    for (int splits = 1; !failed.isEmpty(); splits++) {
      List<Piece> next = new ArrayList<>();
      int tried = 0;
      for (Piece piece : failed) {
        if (piece.size() == 1) {
          lost.add(lostPage(rows, keys.get(piece.from()), piece.failure()));
          continue;
        }
        LOG.warn("{} {}: inference of pages {}-{} of {} failed ({}); inferring its halves as jobs of their own",
            settings.runId(), chunk, piece.from() + 1, piece.to(), keys.size(), piece.failure().reason());
        int middle = piece.from() + piece.size() / 2;
        for (int[] half : new int[][] {{piece.from(), middle}, {middle, piece.to()}}) {
          tried++;
          String path = pieces + "/" + (half[0] + 1) + "-" + half[1];
          Failure failure = infer(between(rows, keys.get(half[0]), keys.get(half[1] - 1)), half[1] - half[0], path,
              chunk + ": infer " + (half[1] - half[0]) + " pages (" + (half[0] + 1) + "-" + half[1] + " of "
                  + keys.size() + ", after a failed job)");
          if (failure == null) {
            anySucceeded = true;
            kept.add(path);
          } else {
            next.add(new Piece(half[0], half[1], failure));
          }
        }
      }
      if (!anySucceeded && tried > 0 && splits == SYSTEMIC_SPLITS) {
        throw new IllegalStateException(settings.runId() + " " + chunk + ": inference failed on the whole chunk and on"
            + " every piece of it down to quarters, a systemic fault rather than bad pages: " + whole.reason(),
            whole.exception());
      }
      failed = next;
    }
    // the chunk's results where the caller reads them: the pieces' rows (no inference runs again) and the lost pages
    spark.sparkContext().setJobDescription("scriptorium " + settings.runId() + " " + chunk + ": gather the pieces");
    Dataset<Row> results = spark.createDataFrame(lost, PartitionInference.RESULT_SCHEMA);
    for (String path : kept) {
      results = results.union(spark.read().schema(PartitionInference.RESULT_SCHEMA).parquet(path));
    }
    results.write().mode("overwrite").parquet(staging);
    delete(pieces);
  }

  /**
   * Runs one inference job writing to {@code path}; null when it succeeded, else why its tasks failed.
   *
   * @throws IllegalStateException for a job that failed for another reason (the model cannot load, say)
   */
  private Failure infer(Dataset<Row> rows, long pageCount, String path, String what) {
    spark.sparkContext().setJobDescription("scriptorium " + settings.runId() + " " + what);
    int exitsBefore = exits.count();
    try {
      results(PagePlanner.partitionByPages(rows, stage.partitions(pageCount)))
          .write().mode("overwrite").parquet(path);
      return null;
    } catch (Exception e) { // Spark throws the checked SparkException without declaring it
      String reason = taskFailure(e);
      if (reason == null || causedBy(e, BundleException.class)) {
        throw new IllegalStateException(settings.runId() + " " + what + ": the job failed: " + firstLine(e), e);
      }
      delete(path);
      return new Failure(reason, e, exits.since(exitsBefore));
    }
  }

  /** The inference stage: with its own task resources (an RDD stage carries them), or as a Dataset operator. */
  private Dataset<Row> results(Dataset<Row> pages) {
    if (stage.profile() == null) {
      return pages.mapPartitions(inference, Encoders.row(PartitionInference.RESULT_SCHEMA));
    }
    MapPartitionsFunction<Row, Row> infer = inference; // the closure must not capture this
    JavaRDD<Row> rows = pages.javaRDD().withResources(stage.profile()).mapPartitions(infer::call);
    return spark.createDataFrame(rows, PartitionInference.RESULT_SCHEMA);
  }

  /** Spark's reason for the last failure of the task that aborted the job; null when the job failed otherwise. */
  private static String taskFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      Matcher m = TASK_FAILED.matcher(String.valueOf(t.getMessage()));
      if (m.find()) {
        return m.group(1) != null ? m.group(1).trim() : "a stage " + m.group(2) + "; last: " + m.group(3).trim();
      }
    }
    return null;
  }

  private static String firstLine(Throwable e) {
    String message = String.valueOf(e.getMessage());
    int end = message.indexOf('\n');
    return end < 0 ? message : message.substring(0, end);
  }

  private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t) || String.valueOf(t.getMessage()).contains(type.getName())) {
        return true;
      }
    }
    return false;
  }

  /** The rows of the chunk from {@code first} to {@code last} (both included) in (source_uri, page_no) order. */
  private static Dataset<Row> between(Dataset<Row> rows, Row first, Row last) {
    Column key = struct(col("source_uri"), col("page_no"));
    return rows.where(key.geq(keyOf(first)).and(key.leq(keyOf(last))));
  }

  private static Column keyOf(Row key) {
    return struct(lit(key.getString(0)).as("source_uri"), lit(key.getInt(1)).as("page_no"));
  }

  /** The failed row of a page whose own job failed: its executor died under it, or its task kept failing. */
  private Row lostPage(Dataset<Row> rows, Row key, Failure failure) {
    Row page = between(rows, key, key).first();
    String reason = failure.reason();
    boolean executorLost = !failure.exits().isEmpty() || EXECUTOR_DIED.matcher(reason).find();
    Matcher named = EXECUTOR.matcher(reason);
    String executorId = !failure.exits().isEmpty() ? failure.exits().get(failure.exits().size() - 1).executorId()
        : named.find() ? named.group(1) : "driver";
    String exited = failure.exits().stream().map(exit -> "executor " + exit.executorId() + ": " + exit.reason())
        .distinct().collect(Collectors.joining("; "));
    String what = !executorLost ? "its Spark task failed"
        : exited.isEmpty() ? "its executor died under it" : "its executor died under it (" + exited + ")";
    String message =
        PageErrors.page(key.getString(0), key.getInt(1)) + ": " + what + " every time, even alone: " + reason;
    LOG.warn("{}: recorded as failed", message);
    settings.pagesDone().add(1);
    settings.pagesFailed().add(1);
    return new PartitionInference.ResultRows(settings.runId(), executorId, model, settings.maxAttempts())
        .failed(page, null, executorLost ? ErrorClass.EXECUTOR_LOST : ErrorClass.UNEXPECTED_ERROR, message);
  }

  private void delete(String path) {
    try {
      Path dir = new Path(path);
      dir.getFileSystem(spark.sparkContext().hadoopConfiguration()).delete(dir, true);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot delete the failed job's output at " + path, e);
    }
  }
}
