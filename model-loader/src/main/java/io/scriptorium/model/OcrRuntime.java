package io.scriptorium.model;

import ai.djl.Device;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HunyuanOCR on DJL's PyTorch engine: one loaded bundle, one scheduler thread that owns the device, futures for
 * callers.
 *
 * <p><b>The per-JVM singleton.</b> {@link #shared} returns the one runtime per (bundle, device, dtype) of this JVM,
 * kept by {@link RuntimeRegistry} (which documents why and how) until JVM exit; {@link #close()} on a shared instance
 * does nothing, so try-with-resources is harmless. {@link #open} makes a private instance that the caller must close.
 *
 * <p><b>Threads.</b> {@link #prompt}, {@link #prepare} and {@link #submit} are safe from any thread; preprocessing
 * runs on the caller's thread. libtorch's intra-op thread count is process-wide: each runtime sets it from
 * {@link RuntimeConfig#intraOpThreads} when it loads (system property {@code ai.djl.pytorch.num_threads} before the
 * engine starts, the engine itself after), so the last runtime loaded wins. Batch inside the runtime rather than adding
 * threads (stack-djl.md §8).
 *
 * <p><b>Batching.</b> One KV cache of {@code maxBatchSize + 1} slots of {@code maxKvTokens / maxBatchSize} tokens
 * each (capped by the model's positions) is allocated at start; a request that cannot fit a slot fails, and its
 * output stops at the slot's end ({@code FinishReason.LENGTH}). Prompts are prefilled in chunks of
 * {@code prefillChunkTokens} between decode steps and join the running batch as soon as a slot is free; images are
 * encoded ahead on a vision thread (see {@link Scheduler}).
 */
public final class OcrRuntime implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OcrRuntime.class);
  private static final AtomicInteger LOADS = new AtomicInteger();
  private static final AtomicInteger THREAD_IDS = new AtomicInteger();
  private static final int PROMPT_CACHE_LIMIT = 4096;

  private final RuntimeConfig config;
  private final boolean shared;
  private final ModelBundle bundle;
  private final ModelInfo info;
  private final ImagePreprocessor preprocessor;
  private final PromptRenderer renderer;
  private final HuggingFaceTokenizer tokenizer;
  private final TorchModule module;
  private final Scheduler scheduler;
  private final Thread schedulerThread;
  private final ExecutorService completer;
  private final Map<String, long[]> promptIds = new ConcurrentHashMap<>();
  private final AtomicInteger imagesInFlight = new AtomicInteger();
  private final int slotTokens;
  private volatile boolean closed;

  private OcrRuntime(RuntimeConfig config, boolean shared) {
    this.config = config;
    this.shared = shared;
    DjlSettings.apply(config.intraOpThreads());
    this.bundle = openBundle(config);
    Manifest manifest = bundle.manifest();
    if (config.dtype() != null && !config.dtype().equals(manifest.dtype())) {
      throw new BundleException("bundle " + bundle.dir() + " was exported in " + manifest.dtype() + " but dtype "
          + config.dtype() + " was requested; export the bundle in that dtype (the runtime never casts weights)");
    }
    this.preprocessor = new ImagePreprocessor(manifest.preprocessing(), config.maxImagePixels());
    this.renderer = new PromptRenderer(manifest.prompts(), config.promptLanguage());
    Device device = DjlSettings.device(config.device());
    long start = System.nanoTime();
    this.tokenizer = loadTokenizer(bundle.tokenizerFile());
    try {
      this.module = TorchModule.load(bundle, device);
      DjlSettings.enforceThreads(config.intraOpThreads());
    } catch (RuntimeException e) {
      tokenizer.close();
      throw e;
    }
    LOADS.incrementAndGet();
    LOG.info("Loaded {} {} ({}, bundle {}) on {} in {} ms", manifest.modelId(), manifest.revision(),
        manifest.dtype(), bundle.sha256(), device, (System.nanoTime() - start) / 1_000_000);
    this.info = new ModelInfo(manifest.modelId(), manifest.revision(), bundle.sha256(), manifest.dtype(),
        DjlSettings.deviceName(config.device()), generationSettings(manifest, config));
    int id = THREAD_IDS.incrementAndGet();
    this.slotTokens = slotTokens(manifest, config);
    this.completer = Executors.newSingleThreadExecutor(r -> daemon(r, "scriptorium-ocr-complete-" + id));
    try {
      this.scheduler = new Scheduler(module, manifest, config, slotTokens, completer,
          ids -> tokenizer.decode(toLongs(ids), false), Integer.toString(id));
    } catch (RuntimeException e) {
      completer.shutdown();
      module.close();
      tokenizer.close();
      throw e;
    }
    this.schedulerThread = daemon(scheduler, "scriptorium-ocr-scheduler-" + id);
    schedulerThread.start();
  }

  /** The shared runtime for (bundle, device, dtype), loaded at most once per JVM ({@link RuntimeRegistry}). */
  public static OcrRuntime shared(RuntimeConfig config) {
    return RuntimeRegistry.get(Objects.requireNonNull(config, "config"), c -> new OcrRuntime(c, true));
  }

  /**
   * The identity of the configured bundle, verified (format version, every checksum) without loading the
   * model or the engine: for drivers, which plan and record runs but never run the model.
   */
  public static ModelInfo describe(RuntimeConfig config) {
    ModelBundle bundle = openBundle(config);
    Manifest manifest = bundle.manifest();
    return new ModelInfo(manifest.modelId(), manifest.revision(), bundle.sha256(), manifest.dtype(),
        DjlSettings.deviceName(config.device()), generationSettings(manifest, config));
  }

  /** The prompts the runtime would use for these tasks, rendered from the verified manifest alone. */
  public static List<Prompt> prompts(RuntimeConfig config, List<TaskSpec> specs) {
    PromptRenderer renderer =
        new PromptRenderer(openBundle(config).manifest().prompts(), config.promptLanguage());
    return specs.stream().map(renderer::render).toList();
  }

  /**
   * The config's bundle, verified. A pinned config ({@link RuntimeConfig#pinnedSha256}) refuses a bundle whose manifest
   * has another sha256 before anything but the manifest is read: no file hashed, no TorchScript loaded.
   */
  private static ModelBundle openBundle(RuntimeConfig config) {
    String pinned = config.pinnedSha256();
    if (pinned != null) {
      String actual = Sha256.hex(ModelBundle.manifestBytes(config.bundle()));
      if (!actual.equals(pinned)) {
        throw new BundleException("bundle " + config.bundle() + " is not the pinned one: its manifest sha256 is "
            + actual + ", the pin (spark.scriptorium.model.sha256, --model-sha256) is " + pinned
            + "; refusing to load it");
      }
    }
    return ModelBundle.open(config.bundle());
  }

  /** How many times a model was loaded in this JVM (shared and private). */
  public static int loadCount() {
    return LOADS.get();
  }

  /** A private runtime, not shared; the caller closes it. */
  public static OcrRuntime open(RuntimeConfig config) {
    return new OcrRuntime(Objects.requireNonNull(config, "config"), false);
  }

  public ModelInfo model() {
    return info;
  }

  /** Renders the task prompt in the configured language. */
  public Prompt prompt(TaskSpec spec) {
    return renderer.render(Objects.requireNonNull(spec, "spec"));
  }

  /** Preprocessing only, on the calling thread; throws {@link ImageRejectedException} for unacceptable images. */
  public PreparedImage prepare(BufferedImage image) {
    return preprocessor.prepare(Objects.requireNonNull(image, "image"));
  }

  /** Queues one prompt for one image. Problems with this request complete the future exceptionally. */
  public CompletableFuture<OcrResult> submit(PreparedImage image, Prompt prompt) {
    return submitAll(image, List.of(prompt)).get(0);
  }

  /** Queues several prompts for one image; the vision encoder runs once for all of them. */
  public List<CompletableFuture<OcrResult>> submitAll(PreparedImage image, List<Prompt> prompts) {
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(prompts, "prompts");
    List<CompletableFuture<OcrResult>> futures = new ArrayList<>(prompts.size());
    List<Request> planned = new ArrayList<>(prompts.size());
    for (Prompt prompt : prompts) {
      CompletableFuture<OcrResult> future = new CompletableFuture<>();
      futures.add(future);
      try {
        planned.add(request(image, Objects.requireNonNull(prompt, "prompt"), future));
      } catch (RuntimeException e) {
        future.completeExceptionally(e);
      }
    }
    // one job for the prompts that passed validation: it counts them to know when to free the embeddings
    ImageJob job = new ImageJob(image, planned.size());
    imagesInFlight.incrementAndGet();
    CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
        .whenComplete((all, failure) -> imagesInFlight.decrementAndGet());
    long now = System.nanoTime();
    for (Request r : planned) {
      scheduler.submit(new Request(job, r.prompt(), r.layout(), r.maxNewTokens(), r.future(), now));
    }
    return futures;
  }

  /** The scheduler's figures now; cheap enough to poll (no lock taken on the decode path). */
  public RuntimeStats stats() {
    return scheduler.stats(imagesInFlight.get());
  }

  /** Stops the scheduler (unfinished requests fail) and frees the model. Does nothing on a shared runtime. */
  @Override
  public void close() {
    if (shared) {
      LOG.debug("close() on the shared runtime is ignored; it is closed at JVM exit");
      return;
    }
    shutdown();
  }

  /** Test hook: receives every sequence's logits row before the greedy pick (scheduler thread). */
  void setLogitsHook(Scheduler.LogitsHook hook) {
    scheduler.setHook(hook);
  }

  Path bundleDir() {
    return bundle.dir();
  }

  /** The token layout the runtime would feed for this image and prompt (golden tests compare it). */
  PromptLayout layout(PreparedImage image, Prompt prompt) {
    return PromptLayout.build(bundle.manifest().special(), textIds(prompt.text()), image.gridH(), image.gridW(),
        bundle.manifest().preprocessing().mergeSize());
  }

  ImagePreprocessor preprocessor() {
    return preprocessor;
  }

  /** Stops the scheduler and frees the model, once; also what the registry's shutdown hook calls. */
  synchronized void shutdown() {
    if (closed) {
      return;
    }
    closed = true;
    scheduler.shutdown();
    try {
      schedulerThread.join();
      completer.shutdown();
      completer.awaitTermination(1, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      module.close();
      tokenizer.close();
    }
  }

  /** Validates and tokenises one request; its image job is attached by the caller. */
  private Request request(PreparedImage image, Prompt prompt, CompletableFuture<OcrResult> future) {
    if (closed) {
      throw new IllegalStateException("OcrRuntime is closed");
    }
    if (!image.preprocessingKey().equals(preprocessor.key())) {
      throw new IllegalArgumentException(image + " was prepared with another bundle's preprocessing");
    }
    if (!Sha256.hex(prompt.text()).equals(prompt.sha256())) {
      throw new IllegalArgumentException("prompt sha256 " + prompt.sha256() + " does not match its text");
    }
    PromptLayout layout = layout(image, prompt);
    Manifest m = bundle.manifest();
    int room = slotTokens - layout.length();
    if (room < 1) {
      throw new IllegalArgumentException("prompt of " + layout.length() + " tokens leaves no room in a KV slot of "
          + slotTokens + " tokens (maxKvTokens / maxBatchSize, at most the model's " + m.maxPositions()
          + " positions); raise maxKvTokens, downscale the image or shorten the prompt");
    }
    String task = prompt.task().key();
    int maxNew = config.maxNewTokensOverride().getOrDefault(task, m.generation().maxNewTokens().get(task));
    return new Request(null, prompt, layout, Math.min(maxNew, room), future, 0);
  }

  /** Tokenised prompt text (no special tokens, no truncation), cached because prompts repeat across pages. */
  private long[] textIds(String text) {
    long[] ids = promptIds.get(text);
    if (ids == null) {
      ids = tokenizer.encode(text, false, false).getIds();
      if (promptIds.size() >= PROMPT_CACHE_LIMIT) {
        promptIds.clear();
      }
      promptIds.put(text, ids);
    }
    return ids;
  }

  private static HuggingFaceTokenizer loadTokenizer(Path file) {
    try {
      // truncation OFF: DJL otherwise cuts at 512 tokens silently (stack-djl.md §10)
      return HuggingFaceTokenizer.builder()
          .optTokenizerPath(file)
          .optAddSpecialTokens(false)
          .optTruncation(false)
          .optPadding(false)
          .build();
    } catch (IOException | RuntimeException e) {
      throw new BundleException("cannot load tokenizer " + file + ": " + e.getMessage(), e);
    }
  }

  /** Tokens one sequence can hold: an even share of maxKvTokens, at most the model's positions. */
  static int slotTokens(Manifest manifest, RuntimeConfig config) {
    return Math.min(manifest.maxPositions(), config.maxKvTokens() / config.maxBatchSize());
  }

  /** Benchmarks: forget the longest decode-step gap and prefill chunk seen so far. */
  void resetLongest() {
    scheduler.resetLongest();
  }

  static String generationSettings(Manifest manifest, RuntimeConfig config) {
    Manifest.Generation g = manifest.generation();
    JsonObject json = new JsonObject();
    json.addProperty("strategy", g.strategy());
    JsonArray stops = new JsonArray();
    for (int id : g.stopIds()) {
      stops.add(id);
    }
    json.add("stop_ids", stops);
    JsonObject max = new JsonObject();
    for (Task task : Task.values()) {
      max.addProperty(task.key(), config.maxNewTokensOverride().getOrDefault(task.key(),
          g.maxNewTokens().get(task.key())));
    }
    json.add("max_new_tokens", max);
    json.addProperty("max_sequence_tokens", slotTokens(manifest, config)); // a KV slot: prompt + output end there
    json.addProperty("stop_repetition", config.stopRepetition());
    JsonObject rep = new JsonObject();
    rep.addProperty("min_unit_tokens", g.repetition().minUnitTokens());
    rep.addProperty("max_unit_tokens", g.repetition().maxUnitTokens());
    rep.addProperty("min_repeats", g.repetition().minRepeats());
    rep.addProperty("min_span_tokens", g.repetition().minSpanTokens());
    json.add("repetition", rep);
    return json.toString();
  }

  private static long[] toLongs(int[] ids) {
    long[] out = new long[ids.length];
    for (int i = 0; i < ids.length; i++) {
      out[i] = ids[i];
    }
    return out;
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }
}
