package io.scriptorium.pipeline.run;

import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.hash;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.when;

import io.scriptorium.model.ModelInfo;
import io.scriptorium.model.OcrRuntime;
import io.scriptorium.model.Prompt;
import io.scriptorium.model.RuntimeConfig;
import io.scriptorium.model.TaskSpec;
import io.scriptorium.pipeline.DigitizeOptions;
import io.scriptorium.pipeline.RerunOptions;
import io.scriptorium.pipeline.RunSummary;
import io.scriptorium.pipeline.ScriptoriumConf;
import io.scriptorium.pipeline.infer.ChunkInference;
import io.scriptorium.pipeline.infer.InferenceResources;
import io.scriptorium.pipeline.infer.InferenceStage;
import io.scriptorium.pipeline.infer.ModelPlacement;
import io.scriptorium.pipeline.infer.PageErrors;
import io.scriptorium.pipeline.infer.PartitionInference;
import io.scriptorium.pipeline.plan.PagePlanner;
import io.scriptorium.pipeline.plan.StagedPlan;
import io.scriptorium.pipeline.vocab.ErrorClass;
import io.scriptorium.pipeline.vocab.PageStatus;
import io.scriptorium.pipeline.vocab.RunState;
import io.scriptorium.pipeline.warehouse.Ids;
import io.scriptorium.pipeline.warehouse.KeptResults;
import io.scriptorium.pipeline.warehouse.ResultWriter;
import io.scriptorium.pipeline.warehouse.RunLog;
import io.scriptorium.pipeline.warehouse.Tables;
import io.scriptorium.pipeline.warehouse.Warehouse;
import java.sql.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.resource.ResourceProfile;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;
import org.apache.spark.util.SerializableConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code digitize} and {@code rerun}: plan pages, infer them in committed chunks, record the run.
 *
 * <p>Results are committed every {@code spark.scriptorium.commit.chunkPages} pages, chunk k on a thread of its own
 * ({@link ChunkCommitter}) while chunk k+1 infers, so a run killed halfway loses only the chunks in flight; the next
 * run's planning skips everything committed. A run whose commit fails keeps its inferred, uncommitted chunks for the
 * next run to commit ({@link KeptResults}).
 */
public final class DigitizeJob {
  private static final Logger LOG = LoggerFactory.getLogger(DigitizeJob.class);

  private final SparkSession spark;
  private final ScriptoriumConf conf;
  private final Warehouse warehouse;
  private final RunLog runLog;

  public DigitizeJob(SparkSession spark, String warehouse) {
    this.spark = spark;
    this.conf = new ScriptoriumConf(spark.conf());
    this.warehouse = new Warehouse(warehouse);
    this.runLog = new RunLog(spark, this.warehouse, conf);
  }

  public RunSummary digitize(DigitizeOptions options) {
    RuntimeConfig runtime = conf.runtimeConfig(options.model());
    RuntimeConfig driverLocal = ModelPlacement.forDriver(runtime, spark); // #6 hook: URI bundles fetched to the driver's cache
    ModelInfo model = OcrRuntime.describe(driverLocal); // verifies the bundle on the driver, loads nothing
    List<Prompt> prompts = OcrRuntime.prompts(driverLocal, options.tasks());
    warehouse.ensureTables(spark);
    PagePlanner planner = new PagePlanner(spark, warehouse, conf.pageOptions(), conf.maxAttempts(), conf.planVerifyContent());
    Map<String, Object> arguments = new LinkedHashMap<>();
    arguments.put("inputs", options.inputs());
    arguments.put("glob", options.glob());
    arguments.put("manifest", options.manifest());
    arguments.put("collection", options.collection());
    arguments.put("batch_date", options.batchDate().toString());
    arguments.put("tasks", options.tasks().stream().map(Object::toString).toList());
    arguments.put("model", options.model());
    return execute("digitize", arguments, options.collection(), Date.valueOf(options.batchDate()),
        options.waitForLive(), runtime, model, options.tasks(), () -> planner.plan(planner.files(options), prompts, model.revision(), Date.valueOf(options.batchDate())));
  }

  public RunSummary rerun(RerunOptions options) {
    RuntimeConfig runtime = conf.runtimeConfig(options.model());
    if (options.promptSet() != null) {
      runtime = runtime.withPromptLanguage(options.promptSet());
    }
    ModelInfo model = OcrRuntime.describe(ModelPlacement.forDriver(runtime, spark)); // #6 hook: URI bundles
    warehouse.ensureTables(spark);
    PagePlanner planner = new PagePlanner(spark, warehouse, conf.pageOptions(), conf.maxAttempts(), conf.planVerifyContent());
    Map<String, Object> arguments = new LinkedHashMap<>();
    arguments.put("where", options.where());
    arguments.put("tasks", options.tasks().stream().map(Object::toString).toList());
    arguments.put("model", options.model());
    arguments.put("prompt_set", options.promptSet());
    List<String> taskKeys = options.tasks().stream().map(t -> t.task().key()).toList();
    return execute("rerun", arguments, null, null, false, runtime, model, options.tasks(),
        () -> planner.selected(options.where(), taskKeys));
  }

  private RunSummary execute(
      String command, Map<String, Object> arguments, String collection, Date batchDate, boolean waitForLive,
      RuntimeConfig runtime, ModelInfo model, List<TaskSpec> tasks, java.util.function.Supplier<Dataset<Row>> planning) {
    // before the run starts: executors without a GPU to share are a configuration error, not a failed run
    ResourceProfile inferenceProfile =
        InferenceResources.forInference(spark.sparkContext().getConf(), conf.inferenceGpusPerTask());
    String runId = Ids.newRunId();
    long start = System.nanoTime();
    runLog.started(runId, command, RunLog.toJson(arguments), collection, batchDate, model, waitForLive);
    Dataset<Row> plan = null;
    ResultWriter writer = new ResultWriter(spark, warehouse);
    KeptResults kept = new KeptResults(spark, warehouse);
    try {
      kept.commitAll(writer); // a failed run's inferred chunks
      // Planning reads new files and hashes their pages; staging its result makes sure that happens once.
      long planStart = System.nanoTime();
      StagedPlan staged = StagedPlan.stage(spark, planning.get(), warehouse.root() + "/_staging/" + runId + "/plan");
      plan = staged.rows(); // what the run needs: pages with work, and every page of a file it opened
      Map<String, Long> actions = staged.actions();
      long pagesTotal = staged.pages();
      long skipped = staged.skipped();
      long inputFiles = staged.files();
      long work = pagesTotal - skipped;
      InferenceStage stage = new InferenceStage(conf.pagesPerPartition(),
          InferenceResources.concurrentTasks(spark.sparkContext(), conf.inferenceGpusPerTask()), inferenceProfile);
      // local mode takes the configured size as it is: its slots are threads of this JVM
      int chunkPages = spark.sparkContext().isLocal() ? conf.chunkPages() : stage.chunkPages(conf.chunkPages());
      int chunks = (int) Math.max(1, (work + chunkPages - 1) / chunkPages);
      runLog.planned(pagesTotal, skipped);
      LOG.info("{} {}: {} files, {} pages: {} to infer, {} identical to another page, {} recovered from an interrupted"
              + " run, {} to record as failed, {} skipped; {} chunk(s) of up to {} pages; tasks {}; model {} {} on {};"
          + " planned in {} s",
          runId, command, inputFiles, pagesTotal, actions.getOrDefault(PagePlanner.INFER, 0L),
          actions.getOrDefault(PagePlanner.DEDUPLICATED, 0L), actions.getOrDefault(PagePlanner.RECOVERED, 0L),
          actions.getOrDefault(PagePlanner.FAIL, 0L), skipped,
          chunks, chunkPages, tasks.stream().map(t -> t.task().key()).toList(), model.modelId(), model.revision(), runtime.device(),
          seconds(planStart));

      LongAccumulator done = spark.sparkContext().longAccumulator("scriptorium.pages.done");
      LongAccumulator failed = spark.sparkContext().longAccumulator("scriptorium.pages.failed");
      DriverMetrics metrics = DriverMetrics.of(spark.sparkContext()).track(done, failed, skipped);
      PartitionInference inference = new PartitionInference(new PartitionInference.Settings(
          runtime, tasks, conf.pageOptions(), conf.pagesInFlight(), runId, conf.maxAttempts(), conf.pageReadTimeout(),
          conf.pageInferenceTimeout(), new SerializableConfiguration(spark.sparkContext().hadoopConfiguration()), done, failed));
      Dataset<Row> todo = PagePlanner.inferInEarliestChunk(plan.where(col("action").notEqual(PagePlanner.SKIP))
          .withColumn("chunk", pmod(hash(col("source_uri")), lit(chunks))));
      Map<String, Long> chunkSizes = new TreeMap<>(java.util.Comparator.comparingInt(Integer::parseInt));
      chunkSizes.putAll(countBy(todo, "chunk"));

      Tally tally = new Tally();
      int[] committed = {0};
      warnIfCommitsQueueBehindInference();
      try (ProgressReporter progress = new ProgressReporter(runId, work, done, failed, conf.progressIntervalSeconds());
          ChunkCommitter committer = ChunkCommitter.forRun(spark.sparkContext(), runId, conf.commitChunksInFlight())) {
        int inferred = 0;
        try {
          for (Map.Entry<String, Long> chunk : chunkSizes.entrySet()) {
            runLog.ensureLive();
            committer.ensureHealthy(); // no more inference once a commit failed
            Dataset<Row> rows = todo.where(col("chunk").equalTo(Integer.parseInt(chunk.getKey()))).drop("chunk");
            // The chunk's results are staged as files, so the model runs exactly once per page whatever the
            // MERGEs below re-read (a cached Dataset is no such guarantee).
            String staging = warehouse.root() + "/_staging/" + runId + "/chunks/" + chunk.getKey();
            String name = "chunk " + (++inferred) + "/" + chunkSizes.size();
            long inferStart = System.nanoTime();
            new ChunkInference(spark, inference, model, stage)
                .run(rows, chunk.getValue(), staging, name);
            String inferSeconds = seconds(inferStart);
            // Committed on the committer's thread while the next chunk infers on this one.
            committer.submit(() -> {
              spark.sparkContext().setJobDescription("scriptorium " + runId + " " + name + ": commit");
              long commitStart = System.nanoTime();
              Dataset<Row> results = spark.read().schema(PartitionInference.RESULT_SCHEMA).parquet(staging);
              ChunkCounts counts = ChunkCounts.of(results);
              if (counts.duplicates() > 0) {
                // A page ok without outputs of its own (a duplicate) is ok only if its content's outputs were made.
                confirmDuplicates(results, rows, runId, model.revision()).write().mode("overwrite")
                    .parquet(staging + "-confirmed");
                results = spark.read().schema(PartitionInference.RESULT_SCHEMA).parquet(staging + "-confirmed");
                counts = ChunkCounts.of(results);
              }
              Map<String, Double> steps = writer.commit(results, chunk.getValue());
              metrics.chunkCommitted(System.nanoTime() - commitStart);
              tally.add(counts);
              delete(staging);
              delete(staging + "-confirmed");
              committed[0]++;
              LOG.info("{}: {} ({} pages) inferred in {} s, committed in {} s {}", runId, name, chunk.getValue(),
                  inferSeconds, seconds(commitStart), rounded(steps));
              runLog.chunkCommitted(committed[0]);
              progress.report();
            });
          }
          committer.finish();
        } catch (RuntimeException | Error e) {
          committer.drain(e); // what was inferred before the failure is still committed
          throw e;
        }
      }
      Accounting accounting = account(spark, warehouse, plan);
      if (!accounting.shown().isEmpty()) {
        LOG.error("{}: {} listed file(s) do not have in pages the pages found at listing: {}", runId,
            accounting.differing(), accounting.shown());
      }
      RunSummary summary = new RunSummary(runId, RunState.SUCCEEDED.wireName(), inputFiles,
          inputFiles - accounting.differing(), pagesTotal, tally.ok, tally.failed, skipped,
          actions.getOrDefault(PagePlanner.DEDUPLICATED, 0L), actions.getOrDefault(PagePlanner.RECOVERED, 0L),
          tally.outputs, tally.spots, (System.nanoTime() - start) / 1e9, tally.failures, accounting.shown());
      runLog.finished(summary, committed[0]);
      return summary;
    } catch (RuntimeException | Error e) { // an Error (OOM) too: the run must not stay "running"
      kept.keep(runId, warehouse.root() + "/_staging/" + runId + "/chunks");
      runLog.failed(e);
      throw e;
    } finally {
      runLog.close();
      if (plan != null) {
        plan.unpersist();
      }
      delete(warehouse.root() + "/_staging/" + runId);
    }
  }

  /** Listed files whose recorded pages differ from those found at listing: how many, and the first few described. */
  record Accounting(long differing, List<String> shown) {}

  /**
   * Compares, per file of the staged plan, the pages found at listing (one for a file that could not be opened: its
   * failed row, and the next run lists it again) with the pages {@code pages} holds for that version of the file. Only
   * those files' {@code pages} rows are read. The plan holds every file the run opened and every file with work; an
   * unchanged file with nothing to do is left out of it, as it had all its pages rows when it was planned.
   */
  static Accounting account(SparkSession spark, Warehouse warehouse, Dataset<Row> plan) {
    Dataset<Row> listed = plan.groupBy("source_uri", "file_length", "file_modified")
        .agg(coalesce(max("file_pages"), lit(1)).as("listed"));
    Dataset<Row> recorded = spark.read().format("delta").load(warehouse.location(Tables.PAGES))
        .join(listed.select(col("source_uri").as("l_uri")), col("source_uri").equalTo(col("l_uri")), "left_semi")
        .groupBy(col("source_uri").as("r_uri"), col("file_length").as("r_length"), col("file_modified").as("r_modified"))
        .agg(countDistinct("page_no").as("recorded"));
    Dataset<Row> differing = listed.join(recorded, col("source_uri").equalTo(col("r_uri"))
            .and(col("file_length").eqNullSafe(col("r_length"))).and(col("file_modified").eqNullSafe(col("r_modified"))),
            "left")
        .withColumn("recorded", coalesce(col("recorded"), lit(0L)))
        .where(col("recorded").notEqual(col("listed")));
    long count = differing.count();
    List<String> shown = count == 0 ? List.of() : differing.orderBy("source_uri").limit(RunSummary.DIFFERING_SHOWN)
        .collectAsList().stream()
        .map(r -> r.getAs("source_uri") + ": " + r.getAs("listed") + " page(s) listed, " + r.getAs("recorded")
            + " recorded")
        .toList();
    return new Accounting(count, shown);
  }

  /**
   * A page recorded {@code ok} without outputs of its own stands for identical content inferred elsewhere: every task
   * planned for it must have an output for its content, made in this chunk or committed earlier in this run (a task
   * is planned only when no output existed before the run). Otherwise the page is failed with a transient reason, so
   * a later run infers it; it never claims {@code ok} without output.
   */
  private Dataset<Row> confirmDuplicates(Dataset<Row> results, Dataset<Row> planned, String runId, String revision) {
    Column ok = col("status").equalTo(PageStatus.OK.wireName());
    Dataset<Row> made = results.where(ok)
        .select(col("content_sha256"), explode(col("outputs.task")).as("task"))
        .unionByName(spark.read().format("delta").load(warehouse.location(Tables.RAW_OUTPUTS))
            .where(col("run_id").equalTo(runId).and(col("model_revision").equalTo(revision)))
            .select("content_sha256", "task"));
    Dataset<Row> missing = results.where(ok.and(size(col("outputs")).equalTo(0)))
        .select("source_uri", "page_no", "content_sha256")
        .join(planned.select(col("source_uri"), col("page_no"), explode(col("tasks")).as("task")),
            seq("source_uri", "page_no"))
        .join(made, seq("content_sha256", "task"), "left_anti")
        .groupBy("source_uri", "page_no")
        .agg(concat_ws(", ", array_sort(collect_set("task"))).as("missing_tasks"));
    Column unmade = col("missing_tasks").isNotNull();
    Column quarantine = col("attempt").geq(conf.maxAttempts());
    return results.join(missing, seq("source_uri", "page_no"), "left")
        .withColumn("status", when(unmade, when(quarantine, lit(PageStatus.QUARANTINED.wireName()))
            .otherwise(lit(PageStatus.FAILED.wireName())))
            .otherwise(col("status")))
        .withColumn("attempts", when(unmade, col("attempt")).otherwise(col("attempts")))
        .withColumn("error_class",
            when(unmade, lit(ErrorClass.INFERENCE_ERROR.wireName())).otherwise(col("error_class")))
        .withColumn("error_message", when(unmade, concat(col("source_uri"), lit(" page "), col("page_no").cast("string"),
                lit(": identical content was to be inferred at another location, which made no output for "),
                col("missing_tasks"), lit("; retried by the next run")))
            .otherwise(col("error_message")))
        .select(ResultWriter.columns(PartitionInference.RESULT_SCHEMA));
  }

  /** Under FIFO scheduling a chunk's commit jobs wait for the next chunk's inference tasks to be all started. */
  private void warnIfCommitsQueueBehindInference() {
    if (conf.commitChunksInFlight() > 0 && !"FAIR".equalsIgnoreCase(spark.sparkContext().getConf()
        .get("spark.scheduler.mode", "FIFO"))) {
      LOG.warn("spark.scheduler.mode is not FAIR: chunk commits queue behind the next chunk's inference tasks instead of"
          + " running beside them (Scriptorium.configure sets FAIR; so does bin/scriptorium)");
    }
  }

  private static scala.collection.immutable.Seq<String> seq(String... columns) {
    return scala.jdk.javaapi.CollectionConverters.asScala(java.util.Arrays.asList(columns)).toList();
  }

  private void delete(String path) {
    try {
      org.apache.hadoop.fs.Path staged = new org.apache.hadoop.fs.Path(path);
      staged.getFileSystem(spark.sparkContext().hadoopConfiguration()).delete(staged, true);
    } catch (java.io.IOException e) {
      LOG.warn("Could not delete the staged results at {}: {}", path, e.getMessage());
    }
  }

  private static String seconds(long startNanos) {
    return String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - startNanos) / 1e9);
  }

  private static Map<String, String> rounded(Map<String, Double> seconds) {
    Map<String, String> out = new LinkedHashMap<>();
    seconds.forEach((step, s) -> out.put(step, String.format(java.util.Locale.ROOT, "%.1f s", s)));
    return out;
  }

  private static Map<String, Long> countBy(Dataset<Row> rows, String column) {
    Map<String, Long> counts = new LinkedHashMap<>();
    for (Row row : rows.groupBy(column).count().collectAsList()) {
      counts.put(String.valueOf(row.get(0)), row.getLong(1));
    }
    return counts;
  }

  /**
   * What a chunk's results hold, counted by one small job: under overlapped commits every job of a commit waits for a
   * task slot the next chunk's inference frees, so the commit runs as few jobs as it can.
   *
   * @param duplicates pages ok without outputs of their own (their content was inferred at another location)
   */
  record ChunkCounts(long ok, long failed, long outputs, long spots, long duplicates, Map<String, Long> failures) {
    static ChunkCounts of(Dataset<Row> results) {
      long ok = 0;
      long failed = 0;
      long outputs = 0;
      long spots = 0;
      long duplicates = 0;
      Map<String, Long> failures = new TreeMap<>();
      for (Row group : results.groupBy("status", "error_class").agg(expr("count(*)"),
          expr("coalesce(sum(size(outputs)), 0)"), expr("coalesce(sum(size(spots)), 0)"),
          expr("count_if(size(outputs) = 0)")).collectAsList()) {
        long pages = group.getLong(2);
        outputs += group.getLong(3);
        spots += group.getLong(4);
        if (PageStatus.OK.wireName().equals(group.getString(0))) {
          ok += pages;
          duplicates += group.getLong(5);
        } else {
          failed += pages;
          failures.merge(group.getString(1), pages, Long::sum);
        }
      }
      return new ChunkCounts(ok, failed, outputs, spots, duplicates, failures);
    }
  }

  /** Running totals over committed chunks. */
  private static final class Tally {
    long ok;
    long failed;
    long outputs;
    long spots;
    final Map<String, Long> failures = new TreeMap<>();

    void add(ChunkCounts chunk) {
      ok += chunk.ok();
      failed += chunk.failed();
      outputs += chunk.outputs();
      spots += chunk.spots();
      chunk.failures().forEach((errorClass, pages) -> failures.merge(errorClass, pages, Long::sum));
    }
  }
}
