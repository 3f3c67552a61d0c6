package io.scriptorium.pipeline;

import io.scriptorium.model.RuntimeConfig;
import io.scriptorium.pipeline.infer.BundleCache;
import io.scriptorium.pipeline.infer.PartitionInference;
import io.scriptorium.pipeline.pages.PageOptions;
import io.scriptorium.pipeline.text.EditDistance;
import java.time.Duration;
import java.util.Map;

/**
 * Every {@code spark.scriptorium.*} setting, its default, and the one place they are read.
 *
 * <p>Read on the driver only. Executors never see this class or the session: they receive the small
 * immutable records it builds ({@link #runtimeConfig}, {@link #pageOptions}, {@link PartitionInference.Settings}).
 */
public final class ScriptoriumConf {
  private static final String PREFIX = "spark.scriptorium.";

  /**
   * Model bundle: a local directory, {@code builtin:tiny} (the embedded twin), or any Hadoop-FS URI ({@code s3a:},
   * {@code hdfs:}, {@code file:}), which is fetched once per node into {@link #MODEL_CACHE_DIR} ({@link BundleCache}).
   */
  public static final String MODEL = PREFIX + "model";
  public static final String MODEL_DEFAULT = "builtin:tiny";

  /**
   * Local directory where bundles given as URIs are cached, one sub-directory per manifest sha256, reused by later
   * jobs on the node. Executors read it from the application's Spark conf: set it at submit time (spark-defaults,
   * {@code --conf}), not in a running session. {@value #JAVA_IO_TMPDIR} stands for the JVM's temp directory.
   */
  public static final String MODEL_CACHE_DIR = PREFIX + "model.cacheDir";
  public static final String JAVA_IO_TMPDIR = "${java.io.tmpdir}";
  public static final String MODEL_CACHE_DIR_DEFAULT = JAVA_IO_TMPDIR + "/scriptorium-bundles";

  /**
   * The sha256 of the only bundle manifest accepted (the {@code bundle_sha256} recorded on every row; {@code bin/scriptorium
   * model describe} prints it); empty: any verified bundle. Driver and executors refuse another bundle before loading
   * any of its TorchScript.
   */
  public static final String MODEL_SHA256 = PREFIX + "model.sha256";
  public static final String MODEL_SHA256_DEFAULT = "";

  /** Device for the model: {@code cpu}, {@code gpu} or {@code gpu:N}. */
  public static final String DEVICE = PREFIX + "device";
  public static final String DEVICE_DEFAULT = "cpu";

  /** Prompt language: {@code zh} (the model's best) or {@code en}; empty means the bundle's default. */
  public static final String PROMPT_LANGUAGE = PREFIX + "prompt.language";
  public static final String PROMPT_LANGUAGE_DEFAULT = "";

  /** Most sequences decoded together in one executor's batch. */
  public static final String MAX_BATCH_SIZE = PREFIX + "batch.maxSize";
  public static final int MAX_BATCH_SIZE_DEFAULT = 8;

  /**
   * KV-cache tokens of one executor over all batch slots, allocated once at start: each slot holds
   * {@code maxKvTokens / maxSize} tokens, the most one page's prompt and output can take.
   */
  public static final String MAX_KV_TOKENS = PREFIX + "batch.maxKvTokens";
  public static final int MAX_KV_TOKENS_DEFAULT = 65536;

  /** Prompt tokens prefilled between two decode steps: the longest a joining page stalls the running ones. */
  public static final String PREFILL_CHUNK_TOKENS = PREFIX + "batch.prefillChunkTokens";
  public static final int PREFILL_CHUNK_TOKENS_DEFAULT = 512;

  /**
   * Stop a sequence when the manifest's repetition detector sees a loop (finish reason {@code repetition}). Off by
   * default: the official scripts decode to a stop token or the token cap.
   */
  public static final String STOP_REPETITION = PREFIX + "generation.stopRepetition";
  public static final boolean STOP_REPETITION_DEFAULT = false;

  /** Intra-op threads per model runtime; 1 avoids the OpenMP oversubscription trap (stack-djl.md §8). */
  public static final String INTRA_OP_THREADS = PREFIX + "runtime.intraOpThreads";
  public static final int INTRA_OP_THREADS_DEFAULT = 1;

  /** Pages each Spark task keeps in flight, so that the executor's decode batch stays full. */
  public static final String PAGES_IN_FLIGHT = PREFIX + "task.pagesInFlight";
  public static final int PAGES_IN_FLIGHT_DEFAULT = 4;

  /**
   * Most pages per task of the inference stage (partitions are sized by pages, not files). Each task's end drains its
   * in-flight pages from the batch, so fewer, longer tasks keep the batch fuller (8 pages a task cost the tiny twin 13%
   * of its inference time on local[2] against 32); a small chunk is spread over every slot anyway.
   */
  public static final String PAGES_PER_PARTITION = PREFIX + "pagesPerPartition";
  public static final int PAGES_PER_PARTITION_DEFAULT = 32;

  /**
   * GPUs each inference task requests through Spark's stage-level scheduling (a fraction up to 0.5 lets tasks share one:
   * 0.25 runs four per GPU), so that only the inference stage waits for a GPU share and commits and planning run on the
   * executors' other cores. 0 requests none for inference (then {@code spark.task.resource.gpu.amount}, which every
   * task of the job pays, decides). Needs {@code spark.executor.resource.gpu.amount}, a cluster manager (standalone,
   * YARN, Kubernetes) and dynamic allocation off; {@code InferenceResources} says why when it cannot apply.
   */
  public static final String INFERENCE_GPUS_PER_TASK = PREFIX + "inference.gpusPerTask";
  public static final String INFERENCE_GPUS_PER_TASK_DEFAULT = "0";

  /** DPI at which PDF pages are rendered. */
  public static final String PDF_DPI = PREFIX + "pdf.dpi";
  public static final int PDF_DPI_DEFAULT = 200;

  /**
   * Declared pixel count above which an image is refused as a decompression bomb; the default is Pillow's limit
   * (twice {@code Image.MAX_IMAGE_PIXELS}), beyond which the official processor cannot open the image either.
   */
  public static final String MAX_DECLARED_PIXELS = PREFIX + "image.maxDeclaredPixels";
  public static final long MAX_DECLARED_PIXELS_DEFAULT = PageOptions.PILLOW_MAX_PIXELS;

  /** Pages per committed result chunk: a killed run redoes at most the chunk in flight. */
  public static final String CHUNK_PAGES = PREFIX + "commit.chunkPages";
  public static final int CHUNK_PAGES_DEFAULT = 500;

  /**
   * Inferred chunks that may wait for (or be in) their commit while the next chunk infers; 0 commits each chunk before
   * the next one infers. A killed run redoes at most this many chunks more.
   */
  public static final String COMMIT_CHUNKS_IN_FLIGHT = PREFIX + "commit.chunksInFlight";
  public static final int COMMIT_CHUNKS_IN_FLIGHT_DEFAULT = 1;

  /** Attempts at a page that keeps failing transiently before it is quarantined. */
  public static final String MAX_ATTEMPTS = PREFIX + "retry.maxAttempts";
  public static final int MAX_ATTEMPTS_DEFAULT = 3;

  /** Minutes without a heartbeat after which another host's running run counts as interrupted. */
  public static final String RUN_STALE_MINUTES = PREFIX + "run.staleMinutes";
  public static final int RUN_STALE_MINUTES_DEFAULT = 60;

  /**
   * Seconds to read, decode and preprocess one page (planning's read to hash it included). A page over the limit is
   * recorded failed with {@code timeout}; the stuck read is left behind on its thread and the task moves on.
   */
  public static final String PAGE_READ_TIMEOUT_SECONDS = PREFIX + "page.readTimeoutSeconds";
  public static final int PAGE_READ_TIMEOUT_SECONDS_DEFAULT = 600;

  /**
   * Seconds from submitting a page's tasks to the model to its last result, queueing in the batch included: generous,
   * as a real {@code parse} page writes about 2,500 tokens. A page over the limit is recorded failed with
   * {@code timeout} and its sequences leave the batch.
   */
  public static final String PAGE_INFERENCE_TIMEOUT_SECONDS = PREFIX + "page.inferenceTimeoutSeconds";
  public static final int PAGE_INFERENCE_TIMEOUT_SECONDS_DEFAULT = 3600;

  /** Seconds between progress log lines on the driver. */
  public static final String PROGRESS_INTERVAL_SECONDS = PREFIX + "progress.intervalSeconds";
  public static final int PROGRESS_INTERVAL_SECONDS_DEFAULT = 30;

  /**
   * Seconds between two heartbeats of a running run's driver (a thread, whatever the run is doing): the {@code runs}
   * row's {@code heartbeat_at} and a small file under {@code _runs/} whose storage time other hosts compare.
   */
  public static final String RUN_HEARTBEAT_SECONDS = PREFIX + "run.heartbeatSeconds";
  public static final int RUN_HEARTBEAT_SECONDS_DEFAULT = 60;

  /**
   * Seconds between two looks at the live run of the same collection and batch date while a run started with
   * {@code --wait} waits for it to end.
   */
  public static final String RUN_WAIT_POLL_SECONDS = PREFIX + "run.waitPollSeconds";
  public static final int RUN_WAIT_POLL_SECONDS_DEFAULT = 30;

  /**
   * Re-read and re-hash every file at planning, even when its size and modification time match the {@code pages}
   * table (a file rewritten with the same size and a preserved time is otherwise never read again). Costs a full read
   * of the input every run.
   */
  public static final String PLAN_VERIFY_CONTENT = PREFIX + "plan.verifyContent";
  public static final boolean PLAN_VERIFY_CONTENT_DEFAULT = false;

  private final org.apache.spark.sql.RuntimeConfig conf;

  /** @throws UnknownSettingException when the session has a {@code spark.scriptorium.*} key that is not one of these */
  public ScriptoriumConf(org.apache.spark.sql.RuntimeConfig conf) {
    this.conf = conf;
    for (String key : scala.jdk.javaapi.CollectionConverters.asJava(conf.getAll()).keySet()) {
      if (key.startsWith(PREFIX) && !defaults().containsKey(key)) {
        throw new UnknownSettingException(key);
      }
    }
  }

  /** A {@code spark.scriptorium.*} setting that is unknown or has a bad value: a usage error, not a failed run. */
  public static class SettingException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public SettingException(String message) {
      super(message);
    }

    SettingException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** A {@code spark.scriptorium.*} key that is not a setting (a typo would otherwise be ignored silently). */
  public static final class UnknownSettingException extends SettingException {
    private static final long serialVersionUID = 1L;

    UnknownSettingException(String key) {
      super("Unknown setting " + key + "; did you mean " + nearest(key) + "? (README, Configuration)");
    }

    private static String nearest(String key) {
      return EditDistance.nearest(key, defaults().keySet());
    }
  }

  /** All keys with their defaults, for documentation and {@code --help}. */
  public static Map<String, String> defaults() {
    return Map.ofEntries(
        Map.entry(MODEL, MODEL_DEFAULT),
        Map.entry(MODEL_CACHE_DIR, MODEL_CACHE_DIR_DEFAULT),
        Map.entry(MODEL_SHA256, MODEL_SHA256_DEFAULT),
        Map.entry(DEVICE, DEVICE_DEFAULT),
        Map.entry(PROMPT_LANGUAGE, PROMPT_LANGUAGE_DEFAULT),
        Map.entry(MAX_BATCH_SIZE, String.valueOf(MAX_BATCH_SIZE_DEFAULT)),
        Map.entry(MAX_KV_TOKENS, String.valueOf(MAX_KV_TOKENS_DEFAULT)),
        Map.entry(PREFILL_CHUNK_TOKENS, String.valueOf(PREFILL_CHUNK_TOKENS_DEFAULT)),
        Map.entry(STOP_REPETITION, String.valueOf(STOP_REPETITION_DEFAULT)),
        Map.entry(INTRA_OP_THREADS, String.valueOf(INTRA_OP_THREADS_DEFAULT)),
        Map.entry(PAGES_IN_FLIGHT, String.valueOf(PAGES_IN_FLIGHT_DEFAULT)),
        Map.entry(PAGES_PER_PARTITION, String.valueOf(PAGES_PER_PARTITION_DEFAULT)),
        Map.entry(INFERENCE_GPUS_PER_TASK, INFERENCE_GPUS_PER_TASK_DEFAULT),
        Map.entry(PDF_DPI, String.valueOf(PDF_DPI_DEFAULT)),
        Map.entry(MAX_DECLARED_PIXELS, String.valueOf(MAX_DECLARED_PIXELS_DEFAULT)),
        Map.entry(CHUNK_PAGES, String.valueOf(CHUNK_PAGES_DEFAULT)),
        Map.entry(COMMIT_CHUNKS_IN_FLIGHT, String.valueOf(COMMIT_CHUNKS_IN_FLIGHT_DEFAULT)),
        Map.entry(MAX_ATTEMPTS, String.valueOf(MAX_ATTEMPTS_DEFAULT)),
        Map.entry(RUN_STALE_MINUTES, String.valueOf(RUN_STALE_MINUTES_DEFAULT)),
        Map.entry(PAGE_READ_TIMEOUT_SECONDS, String.valueOf(PAGE_READ_TIMEOUT_SECONDS_DEFAULT)),
        Map.entry(PAGE_INFERENCE_TIMEOUT_SECONDS, String.valueOf(PAGE_INFERENCE_TIMEOUT_SECONDS_DEFAULT)),
        Map.entry(PROGRESS_INTERVAL_SECONDS, String.valueOf(PROGRESS_INTERVAL_SECONDS_DEFAULT)),
        Map.entry(RUN_HEARTBEAT_SECONDS, String.valueOf(RUN_HEARTBEAT_SECONDS_DEFAULT)),
        Map.entry(RUN_WAIT_POLL_SECONDS, String.valueOf(RUN_WAIT_POLL_SECONDS_DEFAULT)),
        Map.entry(PLAN_VERIFY_CONTENT, String.valueOf(PLAN_VERIFY_CONTENT_DEFAULT)));
  }

  /** The model runtime settings; {@code modelOverride} (a job's --model) wins over the session conf. */
  public RuntimeConfig runtimeConfig(String modelOverride) {
    try {
      return readRuntimeConfig(modelOverride);
    } catch (SettingException e) {
      throw e;
    } catch (IllegalArgumentException e) { // RuntimeConfig's own checks (a device, a digest) name key and value
      throw new SettingException(e.getMessage(), e);
    }
  }

  private RuntimeConfig readRuntimeConfig(String modelOverride) {
    String model = modelOverride != null ? modelOverride : string(MODEL, MODEL_DEFAULT);
    String language = string(PROMPT_LANGUAGE, PROMPT_LANGUAGE_DEFAULT);
    return RuntimeConfig.defaults()
        .withBundle(model)
        .withDevice(string(DEVICE, DEVICE_DEFAULT))
        .withMaxBatchSize(positiveInt(MAX_BATCH_SIZE, MAX_BATCH_SIZE_DEFAULT))
        .withMaxKvTokens(positiveInt(MAX_KV_TOKENS, MAX_KV_TOKENS_DEFAULT))
        .withPrefillChunkTokens(positiveInt(PREFILL_CHUNK_TOKENS, PREFILL_CHUNK_TOKENS_DEFAULT))
        .withIntraOpThreads(positiveInt(INTRA_OP_THREADS, INTRA_OP_THREADS_DEFAULT))
        .withStopRepetition(bool(STOP_REPETITION, STOP_REPETITION_DEFAULT))
        .withPromptLanguage(language.isEmpty() ? null : language)
        .withPinnedSha256(string(MODEL_SHA256, MODEL_SHA256_DEFAULT).isEmpty() ? null : string(MODEL_SHA256, ""));
  }

  /** The bundle cache directory of this (driver) JVM. */
  public String modelCacheDir() {
    return resolveTmpdir(string(MODEL_CACHE_DIR, MODEL_CACHE_DIR_DEFAULT));
  }

  /**
   * The bundle cache directory of an executor JVM, from the application's Spark conf (null: the default). The one
   * setting read outside the driver, because it describes the node rather than the run.
   */
  public static String modelCacheDir(org.apache.spark.SparkConf sparkConf) {
    String value = sparkConf == null ? MODEL_CACHE_DIR_DEFAULT : sparkConf.get(MODEL_CACHE_DIR, MODEL_CACHE_DIR_DEFAULT);
    return resolveTmpdir(value.trim());
  }

  private static String resolveTmpdir(String value) {
    if (value.isEmpty()) {
      throw new SettingException("Invalid value for " + MODEL_CACHE_DIR + ": '' (expected a local directory,"
          + " default " + MODEL_CACHE_DIR_DEFAULT + ")");
    }
    return value.replace(JAVA_IO_TMPDIR, System.getProperty("java.io.tmpdir"));
  }

  public PageOptions pageOptions() {
    PageOptions d = PageOptions.defaults();
    return new PageOptions(
        positiveInt(PDF_DPI, PDF_DPI_DEFAULT),
        d.maxRenderedPixels(),
        positiveLong(MAX_DECLARED_PIXELS, MAX_DECLARED_PIXELS_DEFAULT),
        d.minSide(),
        d.maxFileBytes());
  }

  public int pagesInFlight() {
    return positiveInt(PAGES_IN_FLIGHT, PAGES_IN_FLIGHT_DEFAULT);
  }

  public int pagesPerPartition() {
    return positiveInt(PAGES_PER_PARTITION, PAGES_PER_PARTITION_DEFAULT);
  }

  /** {@link #INFERENCE_GPUS_PER_TASK}: 0, a fraction up to 0.5, or a whole number (Spark's rule for task amounts). */
  public double inferenceGpusPerTask() {
    String raw = string(INFERENCE_GPUS_PER_TASK, INFERENCE_GPUS_PER_TASK_DEFAULT);
    try {
      double value = Double.parseDouble(raw);
      if (value >= 0 && (value <= 0.5 || (value == Math.rint(value) && value <= 1024))) {
        return value;
      }
    } catch (NumberFormatException e) {
      // fall through to the error below
    }
    throw new SettingException("Invalid value for " + INFERENCE_GPUS_PER_TASK + ": '" + raw
        + "' (expected 0, a fraction up to 0.5 such as 0.25, or a whole number of GPUs; default 0)");
  }

  public int chunkPages() {
    return positiveInt(CHUNK_PAGES, CHUNK_PAGES_DEFAULT);
  }

  public int commitChunksInFlight() {
    return nonNegativeInt(COMMIT_CHUNKS_IN_FLIGHT, COMMIT_CHUNKS_IN_FLIGHT_DEFAULT);
  }

  public int maxAttempts() {
    return positiveInt(MAX_ATTEMPTS, MAX_ATTEMPTS_DEFAULT);
  }

  public int runStaleMinutes() {
    return positiveInt(RUN_STALE_MINUTES, RUN_STALE_MINUTES_DEFAULT);
  }

  public Duration pageReadTimeout() {
    return Duration.ofSeconds(positiveLong(PAGE_READ_TIMEOUT_SECONDS, PAGE_READ_TIMEOUT_SECONDS_DEFAULT));
  }

  public Duration pageInferenceTimeout() {
    return Duration.ofSeconds(positiveLong(PAGE_INFERENCE_TIMEOUT_SECONDS, PAGE_INFERENCE_TIMEOUT_SECONDS_DEFAULT));
  }

  public int progressIntervalSeconds() {
    return positiveInt(PROGRESS_INTERVAL_SECONDS, PROGRESS_INTERVAL_SECONDS_DEFAULT);
  }

  public int runHeartbeatSeconds() {
    return positiveInt(RUN_HEARTBEAT_SECONDS, RUN_HEARTBEAT_SECONDS_DEFAULT);
  }

  public int runWaitPollSeconds() {
    return positiveInt(RUN_WAIT_POLL_SECONDS, RUN_WAIT_POLL_SECONDS_DEFAULT);
  }

  public boolean planVerifyContent() {
    return bool(PLAN_VERIFY_CONTENT, PLAN_VERIFY_CONTENT_DEFAULT);
  }

  private String string(String key, String defaultValue) {
    return conf.get(key, defaultValue).trim();
  }

  private boolean bool(String key, boolean defaultValue) {
    String raw = string(key, String.valueOf(defaultValue)).toLowerCase(java.util.Locale.ROOT);
    if (!raw.equals("true") && !raw.equals("false")) {
      throw new SettingException(key + " must be true or false, got '" + raw + "'");
    }
    return Boolean.parseBoolean(raw);
  }

  // int settings stop at Integer.MAX_VALUE: a cast would turn 4294967304 into 8
  private int positiveInt(String key, int defaultValue) {
    return (int) inRange(key, defaultValue, 1, Integer.MAX_VALUE, "a positive integer up to " + Integer.MAX_VALUE);
  }

  private long positiveLong(String key, long defaultValue) {
    return inRange(key, defaultValue, 1, Long.MAX_VALUE, "a positive integer");
  }

  private int nonNegativeInt(String key, int defaultValue) {
    return (int) inRange(key, defaultValue, 0, Integer.MAX_VALUE, "an integer from 0 to " + Integer.MAX_VALUE);
  }

  private long inRange(String key, long defaultValue, long minimum, long maximum, String expected) {
    String raw = string(key, String.valueOf(defaultValue));
    try {
      long value = Long.parseLong(raw);
      if (value >= minimum && value <= maximum) {
        return value;
      }
    } catch (NumberFormatException e) {
      // fall through to the error below
    }
    throw new SettingException(
        "Invalid value for " + key + ": '" + raw + "' (expected " + expected + ", default " + defaultValue + ")");
  }
}
