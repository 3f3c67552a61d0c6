package io.scriptorium.pipeline.infer;

import io.scriptorium.model.ImageRejectedException;
import io.scriptorium.model.ModelInfo;
import io.scriptorium.model.OcrResult;
import io.scriptorium.model.OcrRuntime;
import io.scriptorium.model.PreparedImage;
import io.scriptorium.model.Prompt;
import io.scriptorium.model.RuntimeConfig;
import io.scriptorium.model.Task;
import io.scriptorium.model.TaskSpec;
import io.scriptorium.pipeline.ScriptoriumConf;
import io.scriptorium.pipeline.pages.DecodedPage;
import io.scriptorium.pipeline.pages.PageFailure;
import io.scriptorium.pipeline.pages.PageOptions;
import io.scriptorium.pipeline.pages.PageReader;
import io.scriptorium.pipeline.pages.PageRef;
import io.scriptorium.pipeline.derive.DerivedRows;
import io.scriptorium.pipeline.parse.Box;
import io.scriptorium.pipeline.parse.OutputParsers;
import io.scriptorium.pipeline.parse.Spot;
import io.scriptorium.pipeline.plan.PagePlanner;
import io.scriptorium.pipeline.vocab.ErrorClass;
import io.scriptorium.pipeline.vocab.PageStatus;
import io.scriptorium.pipeline.warehouse.Ids;
import io.scriptorium.pipeline.warehouse.RecordRows;
import io.scriptorium.pipeline.warehouse.Tables;
import java.io.Serializable;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Arrays;
import java.util.Map;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.util.TaskCompletionListener;
import scala.jdk.javaapi.CollectionConverters;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;
import org.apache.spark.util.SerializableConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The executor side of {@code digitize}: page rows in, one result row per page out.
 *
 * <p>Every task of an executor shares the JVM's one {@link OcrRuntime}, so their pages meet in one
 * decode batch. Each task keeps {@link Settings#pagesInFlight} pages submitted at once, so the batch
 * stays full even with a single task per executor. Each page is decoded and preprocessed once, whatever
 * the number of model tasks; a bad page becomes a failed row and never fails the partition.
 *
 * <p>Nothing a page does stops the task: anything it throws while it is read, prepared, submitted or collected becomes
 * its failed row ({@code unexpected_error}), and its time is bounded twice: reading and preparing run on a helper
 * thread bounded by {@link Settings#readTimeout} (a stuck read is abandoned there, see {@link BoundedCalls}), and the
 * model's results by {@link Settings#inferenceTimeout} (the page's sequences then leave the batch). Both give
 * {@code timeout}. A page that kills the JVM is {@link ChunkInference}'s business.
 */
public final class PartitionInference implements MapPartitionsFunction<Row, Row> {
  private static final Logger LOG = LoggerFactory.getLogger(PartitionInference.class);

  /** What executors need, and nothing else: small, immutable, serializable. */
  public record Settings(
      RuntimeConfig runtime,
      List<TaskSpec> tasks,
      PageOptions pageOptions,
      int pagesInFlight,
      String runId,
      int maxAttempts,
      Duration readTimeout,
      Duration inferenceTimeout,
      SerializableConfiguration hadoopConf,
      LongAccumulator pagesDone,
      LongAccumulator pagesFailed)
      implements Serializable {}

  static final StructType OUTPUT_STRUCT =
      new StructType()
          .add("task", DataTypes.StringType)
          .add("prompt_language", DataTypes.StringType)
          .add("prompt", DataTypes.StringType)
          .add("prompt_sha256", DataTypes.StringType)
          .add("text", DataTypes.StringType)
          .add("finish_reason", DataTypes.StringType)
          .add("prompt_tokens", DataTypes.IntegerType)
          .add("output_tokens", DataTypes.IntegerType)
          .add("vision_ms", DataTypes.DoubleType)
          .add("prefill_ms", DataTypes.DoubleType)
          .add("decode_ms", DataTypes.DoubleType)
          .add("created_at", DataTypes.TimestampType)
          .add("target_language", DataTypes.StringType)
          .add("ie_fields", DataTypes.createArrayType(DataTypes.StringType, false))
          .add("question", DataTypes.StringType);

  public static final StructType SPOT_STRUCT =
      new StructType()
          .add("line_no", DataTypes.IntegerType)
          .add("text", DataTypes.StringType)
          .add("x1", DataTypes.IntegerType)
          .add("y1", DataTypes.IntegerType)
          .add("x2", DataTypes.IntegerType)
          .add("y2", DataTypes.IntegerType)
          .add("norm_x1", DataTypes.IntegerType)
          .add("norm_y1", DataTypes.IntegerType)
          .add("norm_x2", DataTypes.IntegerType)
          .add("norm_y2", DataTypes.IntegerType)
          .add("prompt_sha256", DataTypes.StringType);

  /** {@link Tables#PAGES_SCHEMA}, then the model's identity, then the page's outputs and spots. */
  public static final StructType RESULT_SCHEMA = resultSchema();

  private final Settings settings;

  public PartitionInference(Settings settings) {
    this.settings = settings;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> pages) {
    // Loads the model the first time on this executor; a bundle that cannot load fails the job.
    // #6 hook: URI bundles come from the node's cache; the device is the GPU Spark assigned, if any
    OcrRuntime runtime = OcrRuntime.shared(ModelPlacement.forTask(settings.runtime(), settings.hadoopConf().value()));
    ExecutorMetrics.register(runtime); // once per JVM: the runtime's figures in Spark's metrics system
    Map<String, Prompt> prompts = new LinkedHashMap<>();
    for (TaskSpec spec : settings.tasks()) {
      Prompt prompt = runtime.prompt(spec);
      prompts.put(PagePlanner.taskKey(prompt), prompt);
    }
    ResultIterator rows = new ResultIterator(pages, runtime, prompts);
    TaskContext context = TaskContext.get();
    if (context != null) {
      context.addTaskCompletionListener((TaskCompletionListener) ctx -> rows.close());
    }
    return rows;
  }

  Settings settings() {
    return settings;
  }

  private static StructType resultSchema() {
    StructType schema = new StructType();
    for (StructField field : Tables.PAGES_SCHEMA.fields()) {
      schema = schema.add(field);
    }
    return schema
        .add("model_id", DataTypes.StringType)
        .add("model_revision", DataTypes.StringType)
        .add("bundle_sha256", DataTypes.StringType)
        .add("generation", DataTypes.StringType)
        .add("device", DataTypes.StringType)
        .add("attempt", DataTypes.IntegerType)
        .add("outputs", new ArrayType(OUTPUT_STRUCT, false))
        .add("spots", new ArrayType(SPOT_STRUCT, false));
  }

  /** What a result row needs of a decoded page; the raster itself is dropped once preprocessed. */
  record PageFacts(String sourceUri, int pageNo, String contentSha256, int width, int height, double decodeMs, double preprocessMs) {
    static PageFacts of(DecodedPage page, long preprocessNanos) {
      return new PageFacts(page.ref().sourceUri(), page.ref().pageNo(), page.contentSha256(), page.width(), page.height(),
          ms(page.decodeNanos()), ms(preprocessNanos));
    }
  }

  /** A page read, and prepared when it is to be inferred, on the reading thread; or its failure of a known kind. */
  private record Prepared(PageFacts facts, PreparedImage image, ErrorClass errorClass, String message) {
    static Prepared failed(PageFacts facts, ErrorClass errorClass, String message) {
      return new Prepared(facts, null, errorClass, message);
    }
  }

  /** A page whose tasks are running in the shared runtime. */
  private record InFlight(Row page, PageFacts facts, List<CompletableFuture<OcrResult>> results, long submittedNanos) {}

  /**
   * Pulls pages lazily, keeping up to {@code pagesInFlight} submitted, and emits rows as pages finish, in the order
   * they finish: as soon as any page is done, the next one is submitted in its place (see {@link InFlightWindow}).
   */
  private final class ResultIterator implements Iterator<Row>, AutoCloseable {
    private final OcrRuntime runtime;
    private final Map<String, Prompt> prompts;
    private final ResultRows results;
    private final BoundedCalls reading = new BoundedCalls("scriptorium-page-read", settings.readTimeout());
    private final InFlightWindow<Row, InFlight, Row> rows;
    /** Replaced when a read is abandoned (its thread keeps the old one) or threw: its state is then unknown. */
    private PageReader reader;

    ResultIterator(Iterator<Row> pages, OcrRuntime runtime, Map<String, Prompt> prompts) {
      this.runtime = runtime;
      this.prompts = prompts;
      SparkEnv env = SparkEnv.get();
      this.results = new ResultRows(
          settings.runId(), env == null ? "driver" : env.executorId(), runtime.model(), settings.maxAttempts());
      this.reader = newReader();
      this.rows = new InFlightWindow<>(pages, settings.pagesInFlight(), settings.inferenceTimeout(), this::start,
          this::finish);
    }

    @Override
    public boolean hasNext() {
      return rows.hasNext();
    }

    @Override
    public Row next() {
      return rows.next();
    }

    @Override
    public void close() {
      reading.close();
      reader.close();
    }

    private InFlightWindow.Started<InFlight, Row> start(Row page) {
      String uri = page.getAs("source_uri");
      int pageNo = page.<Integer>getAs("page_no");
      String action = page.getAs("action");
      if (PagePlanner.FAIL.equals(action)) {
        ErrorClass planned = ErrorClass.fromWire(page.getAs("error_class"));
        return InFlightWindow.ready(failed(page, null, planned, page.getAs("error_message")));
      }
      // identical content is inferred at another location, or was inferred here by an interrupted run
      boolean infer = !PagePlanner.DEDUPLICATED.equals(action) && !PagePlanner.RECOVERED.equals(action);
      Prepared prepared;
      PageReader current = reader;
      try {
        prepared = reading.call(() -> prepare(current, page, infer));
      } catch (TimeoutException e) {
        reader = newReader();
        String message = PageErrors.timeout("reading " + PageErrors.page(uri, pageNo), settings.readTimeout(),
            ScriptoriumConf.PAGE_READ_TIMEOUT_SECONDS);
        return InFlightWindow.ready(failed(page, null, ErrorClass.TIMEOUT, message));
      } catch (RuntimeException | Error e) {
        closeQuietly(current);
        reader = newReader();
        return InFlightWindow.ready(unexpected(page, null, e));
      }
      if (prepared.errorClass() != null) {
        return InFlightWindow.ready(failed(page, prepared.facts(), prepared.errorClass(), prepared.message()));
      }
      if (!infer) {
        return InFlightWindow.ready(succeeded(page, prepared.facts(), 0, List.of(), List.of()));
      }
      try {
        List<Prompt> selected = CollectionConverters.asJava(page.<scala.collection.Seq<String>>getAs("tasks")).stream()
            .map(prompts::get).toList();
        InFlight inFlight =
            new InFlight(page, prepared.facts(), runtime.submitAll(prepared.image(), selected), System.nanoTime());
        return InFlightWindow.running(inFlight, inFlight.results());
      } catch (RuntimeException | Error e) {
        return InFlightWindow.ready(unexpected(page, prepared.facts(), e));
      }
    }

    /** On the reading thread: the page decoded and, when it is to be inferred, preprocessed. */
    private Prepared prepare(PageReader reader, Row page, boolean infer) {
      String uri = page.getAs("source_uri");
      int pageNo = page.<Integer>getAs("page_no");
      DecodedPage decoded;
      try {
        decoded = reader.read(new PageRef(uri, pageNo, page.getAs("format"), null, null));
      } catch (PageFailure failure) {
        return Prepared.failed(null, failure.errorClass(), failure.getMessage());
      }
      if (!infer) {
        return new Prepared(PageFacts.of(decoded, 0), null, null, null);
      }
      try {
        PreparedImage image = runtime.prepare(decoded.image());
        return new Prepared(PageFacts.of(decoded, image.preprocessNanos()), image, null, null);
      } catch (ImageRejectedException e) {
        return Prepared.failed(PageFacts.of(decoded, 0), ErrorClass.IMAGE_REJECTED,
            PageErrors.page(uri, pageNo) + ": " + e.getMessage());
      }
    }

    /** A page whose futures are all done (so {@code join} does not wait): its result row. */
    private Row finish(InFlight page) {
      try {
        return collect(page);
      } catch (RuntimeException | Error e) { // a parser bug, say: the page's row still comes out
        return unexpected(page.page(), page.facts(), e);
      }
    }

    private Row collect(InFlight page) {
      List<Row> outputs = new ArrayList<>();
      List<Row> spots = new ArrayList<>();
      PageFacts facts = page.facts();
      for (CompletableFuture<OcrResult> future : page.results()) {
        OcrResult result;
        try {
          result = future.join();
        } catch (CompletionException e) {
          Throwable cause = e.getCause() == null ? e : e.getCause();
          if (cause instanceof TimeoutException) { // InFlightWindow's deadline: the runtime drops the sequences
            return failed(page.page(), facts, ErrorClass.TIMEOUT, PageErrors.timeout(
                "inferring " + PageErrors.page(facts.sourceUri(), facts.pageNo()), settings.inferenceTimeout(),
                ScriptoriumConf.PAGE_INFERENCE_TIMEOUT_SECONDS));
          }
          String message =
              PageErrors.page(facts.sourceUri(), facts.pageNo()) + ": the model failed on this page: " + cause;
          return failed(page.page(), facts, ErrorClass.INFERENCE_ERROR, message);
        }
        outputs.add(outputRow(result));
        if (result.prompt().task() == Task.SPOTTING) {
          spots.addAll(spotRows(result.text(), result.prompt().sha256(), facts.width(), facts.height()));
        }
      }
      return succeeded(page.page(), facts, ms(System.nanoTime() - page.submittedNanos()), outputs, spots);
    }

    private Row succeeded(Row page, PageFacts facts, double inferenceMs, List<Row> outputs, List<Row> spots) {
      settings.pagesDone().add(1);
      return results.succeeded(page, facts, inferenceMs, outputs, spots);
    }

    private Row failed(Row page, PageFacts facts, ErrorClass errorClass, String message) {
      settings.pagesDone().add(1);
      settings.pagesFailed().add(1);
      return results.failed(page, facts, errorClass, message);
    }

    /** Anything a page threw that is none of its own failure kinds: an OutOfMemoryError, a bug. */
    private Row unexpected(Row page, PageFacts facts, Throwable thrown) {
      String message = PageErrors.unexpected(page.getAs("source_uri"), page.<Integer>getAs("page_no"), thrown);
      LOG.warn(message, thrown);
      return failed(page, facts, ErrorClass.UNEXPECTED_ERROR, message);
    }

    private PageReader newReader() {
      return new PageReader(settings.hadoopConf().value(), settings.pageOptions());
    }

    private void closeQuietly(PageReader old) {
      try {
        old.close();
      } catch (RuntimeException e) {
        LOG.debug("Could not close a page reader after a failure", e);
      }
    }
  }

  /**
   * Rows of {@link #RESULT_SCHEMA} for plan rows: made by executors, and by the driver for a page whose task kept
   * losing its executor ({@link ChunkInference}).
   */
  static final class ResultRows {
    private final String runId;
    private final String executorId;
    private final ModelInfo model;
    private final int maxAttempts;

    ResultRows(String runId, String executorId, ModelInfo model, int maxAttempts) {
      this.runId = runId;
      this.executorId = executorId;
      this.model = model;
      this.maxAttempts = maxAttempts;
    }

    Row succeeded(Row page, PageFacts facts, double inferenceMs, List<Row> outputs, List<Row> spots) {
      return row(page, facts, PageStatus.OK, null, null, 0, inferenceMs, outputs, spots);
    }

    /**
     * A failed page ({@code facts} null when it was never read); transient failures that keep coming back put the page
     * in quarantine.
     */
    Row failed(Row page, PageFacts facts, ErrorClass errorClass, String message) {
      int attempts = page.<Integer>getAs("attempts") + 1;
      boolean quarantine = errorClass.isTransient() && attempts >= maxAttempts;
      return row(page, facts, quarantine ? PageStatus.QUARANTINED : PageStatus.FAILED, errorClass, message, attempts, 0,
          List.of(), List.of());
    }

    private Row row(
        Row page, PageFacts facts, PageStatus status, ErrorClass errorClass, String message, int attempts,
        double inferenceMs, List<Row> outputs, List<Row> spots) {
      String uri = page.getAs("source_uri");
      int pageNo = page.<Integer>getAs("page_no");
      Map<String, Object> values = new HashMap<>();
      values.put("page_id", Ids.pageId(uri, pageNo));
      values.put("source_uri", uri);
      values.put("page_no", pageNo);
      values.put("format", page.getAs("format"));
      values.put("content_sha256", facts == null ? page.getAs("content_sha256") : facts.contentSha256());
      values.put("file_length", page.getAs("file_length"));
      values.put("file_modified", page.getAs("file_modified"));
      values.put("width", facts == null ? null : facts.width());
      values.put("height", facts == null ? null : facts.height());
      values.put("status", status.wireName());
      values.put("attempts", attempts);
      values.put("error_class", errorClass == null ? null : errorClass.wireName());
      values.put("error_message", message);
      values.put("metadata", page.getAs("metadata"));
      values.put("run_id", runId);
      values.put("executor_id", executorId);
      values.put("decode_ms", facts == null ? 0.0 : facts.decodeMs());
      values.put("preprocess_ms", facts == null ? 0.0 : facts.preprocessMs());
      values.put("inference_ms", inferenceMs);
      values.put("processed_at", new Timestamp(System.currentTimeMillis()));
      values.put("collection", page.getAs("collection"));
      values.put("batch_date", page.getAs("batch_date"));
      values.put("file_pages", page.getAs("file_pages"));
      values.put("model_id", model.modelId());
      values.put("model_revision", model.revision());
      values.put("bundle_sha256", model.bundleSha256());
      values.put("generation", model.generationSettings());
      values.put("device", model.device());
      values.put("attempt", page.<Integer>getAs("attempts") + 1);
      values.put("outputs", CollectionConverters.asScala(outputs));
      values.put("spots", CollectionConverters.asScala(spots));
      return RowFactory.create(Arrays.stream(RESULT_SCHEMA.fieldNames()).map(values::get).toArray());
    }
  }

  private static Row outputRow(OcrResult result) {
    Prompt prompt = result.prompt();
    return RowFactory.create(
        prompt.task().key(),
        prompt.language(),
        prompt.text(),
        prompt.sha256(),
        result.text(),
        result.finishReason().name().toLowerCase(java.util.Locale.ROOT),
        result.promptTokens(),
        result.outputTokens(),
        ms(result.timings().visionNanos()),
        ms(result.timings().prefillNanos()),
        ms(result.timings().decodeNanos()),
        new Timestamp(System.currentTimeMillis()),
        prompt.spec().targetLanguage(),
        prompt.spec().fields().isEmpty() ? null : CollectionConverters.asScala(prompt.spec().fields()).toSeq(),
        prompt.spec().question());
  }

  /** A spotting answer's lines as {@link #SPOT_STRUCT} rows: reparse's spot rows, tagged with the prompt. */
  public static List<Row> spotRows(String text, String promptSha256, int width, int height) {
    return DerivedRows.spotRows(text, width, height).stream().map(s -> RecordRows.of(s, promptSha256)).toList();
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }
}
