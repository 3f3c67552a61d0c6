package io.scriptorium.bench.runtime;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.scriptorium.model.OcrResult;
import io.scriptorium.model.OcrRuntime;
import io.scriptorium.model.PreparedImage;
import io.scriptorium.model.Prompt;
import io.scriptorium.model.RuntimeConfig;
import io.scriptorium.model.RuntimeStats;
import io.scriptorium.model.Task;
import io.scriptorium.model.TaskSpec;
import io.scriptorium.testing.PythonReference;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Decode-loop benchmark of {@link OcrRuntime}, written as JSON {@code {"figures":[{name,value,unit,note}...]}}.
 *
 * <pre>
 * mvn -q -pl bench -am package -DskipTests
 * (cd model-loader && mvn -q dependency:build-classpath -Dmdep.outputFile=target/cp.txt)
 * java -Xms512m -Xmx512m -XX:+AlwaysPreTouch -Dai.djl.offline=true \
 *     -cp bench/target/classes:model-loader/target/classes:model-loader/target/test-classes:$(cat model-loader/target/cp.txt) \
 *     io.scriptorium.bench.runtime.RuntimeBenchmark /tmp/bench.json [--real-bundle DIR | --skip-real]
 * </pre>
 *
 * <p>Benchmarks use a copy of each bundle whose manifest has no stop ids and an unreachable repetition threshold, so
 * every sequence decodes exactly the requested number of tokens. Without {@code --real-bundle} the real-shape bundle
 * (real decoder dimensions, random weights, tiny vision tower) is exported on the fly with
 * {@code /usr/bin/python3 model-loader/export/hunyuan_ocr.py export --random-real-decoder}; if that fails the
 * real-shape figures are skipped with a note. "Model" time is the time inside the TorchScript method calls (DJL's JNI
 * dispatch included); "overhead" is the rest of a decode step: Java bookkeeping, input arrays, argmax, cache
 * attach/close.
 */
public final class RuntimeBenchmark {
  private static final String TINY_RESOURCES = "io/scriptorium/model/tiny/";
  private static final List<String> FILES = List.of("manifest.json", "model.pt", "tokenizer.json");

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private final List<JsonObject> figures = new ArrayList<>();
  private final Path work;
  private final String device;
  private double bandwidth;
  private double gflops;

  private RuntimeBenchmark(Path work, String device) {
    this.work = work;
    this.device = device;
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: RuntimeBenchmark OUT.json [--real-bundle DIR | --skip-real] [--device cpu|gpu:N]");
      System.exit(2);
    }
    Path out = Paths.get(args[0]);
    String realBundle = null;
    boolean skipReal = false;
    String device = "cpu";
    for (int i = 1; i < args.length; i++) {
      if (args[i].equals("--real-bundle") && i + 1 < args.length) {
        realBundle = args[++i];
      } else if (args[i].equals("--skip-real")) {
        skipReal = true;
      } else if (args[i].equals("--device") && i + 1 < args.length) {
        device = args[++i];
      }
    }
    RuntimeBenchmark bench = new RuntimeBenchmark(Files.createTempDirectory("scriptorium-bench"), device);
    if (!skipReal && realBundle == null && !PythonReference.available()) {
      System.out.println(EXPORTER_MISSING);
    }
    bench.add("host_load_avg_1m_start", loadAverage(), "load", "/proc/loadavg at start; wall-clock figures are only"
        + " comparable between runs at similar load (cores: " + Runtime.getRuntime().availableProcessors() + ")");
    bench.bandwidth = RuntimeProbe.memoryBandwidthGbPerS(device, 1L << 30, 5);
    bench.add("memory_bandwidth_gb_s", bench.bandwidth, "GB/s", "in-place copy of a 1 GiB float32 tensor on " + device
        + " through this JVM's libtorch (bytes read + written), best of 5, with the runtime's intra-op threads (1):"
        + " the limit a decode step can reach");
    bench.gflops = RuntimeProbe.matmulGflopPerS(device, 2048, 2048, 2048, 5);
    bench.add("matmul_gflop_s", bench.gflops, "GFLOP/s", "float32 product of two 2048x2048 matrices on " + device
        + " through this JVM's libtorch, best of 5, with the runtime's intra-op threads (1): the compute roof a"
        + " decode step can reach");
    bench.add("matmul_gflop_s_8_rows", RuntimeProbe.matmulGflopPerS(device, 8, 1024, 120_818, 5), "GFLOP/s",
        "float32 [8, 1024] x [1024, 120818] (the output head of a batch-8 decode step at the real shape), best of 5:"
            + " what this libtorch's BLAS reaches with few rows, against matmul_gflop_s");
    bench.tiny();
    if (skipReal) {
      bench.skipped("real-shape figures skipped (--skip-real)");
    } else {
      bench.realShape(realBundle);
    }
    bench.add("host_load_avg_1m_end", loadAverage(), "load", "/proc/loadavg at the end");
    bench.write(out);
    bench.cleanUp();
  }

  /** Removes the bench copies (symbolic links are removed, never followed). */
  private void cleanUp() throws IOException {
    try (var paths = Files.walk(work)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static double loadAverage() throws IOException {
    return Double.parseDouble(Files.readString(Paths.get("/proc/loadavg")).split(" ")[0]);
  }

  private void tiny() throws Exception {
    Path source = copyBuiltin(work.resolve("tiny-src"));
    loopStop(source);
    Path dir = benchBundle(source, work.resolve("tiny"), null);
    StepCost cost = stepCost(dir, 1, 1024);
    add("decode_model_us_per_step_tiny", cost.modelUs, "us", "tiny twin, B=1, inside TorchScript calls, mean of "
        + cost.steps + " steps");
    add("decode_overhead_us_per_step_tiny", cost.overheadUs, "us", "tiny twin, B=1, Java step time minus model time");
    add("decode_cpu_us_per_step_tiny", cost.cpuUs, "us", "tiny twin, B=1, scheduler-thread CPU time per step"
        + " (one prefill included); less sensitive to other load than wall time");
    for (int b : new int[] {1, 4, 8, 16}) {
      StepCost c = stepCost(dir, b, 256);
      add("tokens_per_s_batch_" + b + "_tiny", c.tokensPerSecond, "tokens/s",
          "tiny twin, decode steps only, " + b + " sequences x 256 tokens");
    }
    double[] rss = rssGrowth(dir);
    add("rss_growth_mb_10k_steps", rss[1], "MB", String.format(
        "tiny twin, VmRSS growth over 10,000 decode steps after a 12,000-step warm-up (batch 4, 500-token sequences"
            + " joining and leaving); the 10,000 steps before (after 2,000) added %.1f MB (allocator and JIT"
            + " warm-up); committed Java heap changed by %.1f MB over the measured window; heap pre-touched: %s"
            + " (without -Xms = -Xmx and -XX:+AlwaysPreTouch, first use of heap pages shows up as RSS growth)",
        rss[0], rss[2], preTouched()));
  }

  /**
   * The opt-in loop stop against the default (decode to a stop id or the cap): the same 40 tiny-twin requests (8
   * synthetic pages x 5 tasks, 512-token caps), tokens generated with and without it.
   */
  private void loopStop(Path bundle) throws Exception {
    long[] tokens = new long[2];
    int loops = 0;
    int requests = 0;
    for (int on = 0; on < 2; on++) {
      RuntimeConfig config = RuntimeConfig.defaults().withBundle(bundle.toString()).withDevice(device)
          .withStopRepetition(on == 1);
      for (Task task : List.of(Task.TEXT, Task.SPOTTING, Task.PARSE, Task.TABLE, Task.FORMULA)) {
        config = config.withMaxNewTokens(task, 512);
      }
      try (OcrRuntime runtime = OcrRuntime.open(config)) {
        List<CompletableFuture<OcrResult>> futures = new ArrayList<>();
        for (int p = 0; p < 8; p++) {
          PreparedImage image = runtime.prepare(page(256 + 32 * p, 320 - 8 * p));
          for (Task task : List.of(Task.TEXT, Task.SPOTTING, Task.PARSE, Task.TABLE, Task.FORMULA)) {
            futures.add(runtime.submit(image, runtime.prompt(TaskSpec.of(task))));
          }
        }
        requests = futures.size();
        for (CompletableFuture<OcrResult> f : futures) {
          OcrResult r = f.get(30, TimeUnit.MINUTES);
          tokens[on] += r.outputTokens();
          if (r.finishReason() == io.scriptorium.model.FinishReason.REPETITION) {
            loops++;
          }
        }
      }
    }
    add("repetition_stop_tokens_saved_tiny", tokens[0] - tokens[1], "tokens", String.format(Locale.ROOT,
        "tiny twin, %d requests (8 synthetic pages x 5 tasks, cap 512): %d tokens generated by default (no early"
            + " stop, as the official scripts), %d with spark.scriptorium.generation.stopRepetition=true, which"
            + " stopped %d of them as loops (%.0f%% of the tokens saved)", requests, tokens[0], tokens[1], loops,
        100.0 * (tokens[0] - tokens[1]) / Math.max(1, tokens[0])));
  }

  private void realShape(String given) throws Exception {
    Path source;
    try {
      source = given != null ? Paths.get(given) : exportRealShape(work.resolve("real-src"));
    } catch (IOException | RuntimeException e) {
      skipped("real-shape bundle unavailable: " + e.getMessage());
      return;
    }
    Path dir = benchBundle(source, work.resolve("real"), SHORT_PROMPT_PIXELS);
    StepCost one = stepCost(dir, 1, 24);
    add("decode_model_us_per_step_real_shape", one.modelUs, "us",
        "real decoder shape (24 layers, hidden 1024, GQA 16/8, vocab 120818), random weights, fp32, B=1");
    add("decode_overhead_us_per_step_real_shape", one.overheadUs, "us", "real decoder shape, B=1");
    add("decode_cpu_us_per_step_real_shape", one.cpuUs, "us", "real decoder shape, B=1, scheduler-thread CPU time"
        + " per step (one prefill included; libtorch runs on that thread with 1 intra-op thread)");
    add("decode_overhead_fraction_real_shape", one.overheadUs / (one.overheadUs + one.modelUs), "fraction",
        "overhead / whole decode step, real decoder shape, B=1");
    double base = 0;
    RuntimeProbe.DecodeCost single = null;
    for (int b : new int[] {1, 4, 8, 16}) {
      // the decode step alone, as the scheduler runs it once the batch is full (ramp-up and prefill left out)
      RuntimeProbe.DecodeCost c = RuntimeProbe.decodeCost(source, device, b, SHORT_CONTEXT, 16);
      double tokensPerSecond = b / (c.stepMs() / 1e3);
      if (b == 1) {
        base = tokensPerSecond;
        single = c;
      }
      add("tokens_per_s_batch_" + b + "_real_shape", tokensPerSecond, "tokens/s", String.format(Locale.ROOT,
          "real decoder shape, fp32, decode steps of %d rows at context %d (%.0f ms a step)", b, SHORT_CONTEXT,
          c.stepMs()));
      if (b == 8) {
        add("batch8_speedup_real_shape", tokensPerSecond / base, "x", String.format(Locale.ROOT,
            "tokens/s at batch 8 over batch 1, context %d; the roofline (max of bytes / memory_bandwidth_gb_s and"
                + " FLOPs / matmul_gflop_s per step) predicts %.2fx", SHORT_CONTEXT,
            8 * rooflineMs(single) / rooflineMs(c)));
      }
    }
    decodeAtContext(source);
    joinStall(benchBundle(source, work.resolve("real-pages"), null));
    vision();
  }

  /** Decode cost of 8 rows at context 4,000 and 512 against the bytes a step must read and the bandwidth. */
  private void decodeAtContext(Path bundle) {
    RuntimeProbe.DecodeCost at4k = RuntimeProbe.decodeCost(bundle, device, 8, 4000, 5);
    RuntimeProbe.DecodeCost at512 = RuntimeProbe.decodeCost(bundle, device, 8, 512, 5);
    String synthetic = "; the cache holds zeros instead of prefilled pages (a step's cost does not depend on the values"
        + " and a 4k-token prefill at real shape takes minutes on a CPU)";
    double seconds = at4k.stepMs() / 1e3;
    add("decode_step_ms_ctx4k_batch8_real_shape", at4k.stepMs(), "ms", String.format(Locale.ROOT,
        "real decoder shape, fp32, 8 rows each holding %d tokens, mean of %d steps; reads %.2f GB per step (weights"
            + " %.2f GB + K/V %.2f GB)%s", at4k.context(), at4k.steps(), at4k.bytesPerStep() / 1e9,
        at4k.weightBytes() / 1e9, at4k.kvBytes() / 1e9, synthetic));
    add("decode_bandwidth_efficiency_real_shape", at4k.bytesPerStep() / (bandwidth * 1e9) / seconds, "fraction",
        String.format(Locale.ROOT, "(weights + every row's K/V read per step) / memory_bandwidth_gb_s / step time at"
            + " batch 8, context 4,000: %.2f GB / %.1f GB/s / %.1f ms; 1.0 = the copy bandwidth", at4k.bytesPerStep()
            / 1e9, bandwidth, at4k.stepMs()));
    double roofline = rooflineMs(at4k);
    add("decode_roofline_efficiency_real_shape", roofline / at4k.stepMs(), "fraction", String.format(Locale.ROOT,
        "the physical limit of the same step over its measured time: max(%.2f GB / %.1f GB/s = %.1f ms, %.1f GFLOP /"
            + " %.1f GFLOP/s = %.1f ms) / %.1f ms; 1.0 = at the roof. Memory and arithmetic as one sum (one thread"
            + " that overlaps neither): %.2f", at4k.bytesPerStep() / 1e9, bandwidth, bytesMs(at4k),
        at4k.flopsPerStep() / 1e9, gflops, flopsMs(at4k), at4k.stepMs(), (bytesMs(at4k) + flopsMs(at4k))
            / at4k.stepMs()));
    add("decode_step_ctx4k_vs_ctx512_real_shape", at4k.stepMs() / at512.stepMs(), "x", String.format(Locale.ROOT,
        "step time at context 4,000 over context 512 (%.1f ms), batch 8; the byte count predicts %.2fx",
        at512.stepMs(), at4k.bytesPerStep() / (double) at512.bytesPerStep()));
  }

  private double bytesMs(RuntimeProbe.DecodeCost cost) {
    return cost.bytesPerStep() / (bandwidth * 1e9) * 1e3;
  }

  private double flopsMs(RuntimeProbe.DecodeCost cost) {
    return cost.flopsPerStep() / (gflops * 1e9) * 1e3;
  }

  /** The least time a step can take on this machine: its bytes at the bandwidth or its FLOPs at the roof. */
  private double rooflineMs(RuntimeProbe.DecodeCost cost) {
    return Math.max(bytesMs(cost), flopsMs(cost));
  }

  /**
   * Four sequences decode while a page of ~4,160 prompt tokens (2048x2048) joins: the longest time between two of
   * their decode steps, and that time over one prefill chunk plus one decode step measured in the same window.
   */
  private void joinStall(Path bundle) throws Exception {
    int runners = 4;
    RuntimeConfig config = RuntimeConfig.defaults().withBundle(bundle.toString()).withDevice(device)
        .withMaxBatchSize(runners + 1)
        .withMaxKvTokens((runners + 1) * 4_400).withMaxNewTokens(Task.TEXT, 3_000)
        .withMaxNewTokens(Task.SUBTITLES, 1);
    try (OcrRuntime runtime = OcrRuntime.open(config)) {
      PreparedImage small = runtime.prepare(page(512, 512));
      PreparedImage big = runtime.prepare(page(2048, 2048));
      List<CompletableFuture<OcrResult>> running =
          runtime.submitAll(small, Collections.nCopies(runners, runtime.prompt(TaskSpec.of(Task.TEXT))));
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(20);
      while ((runtime.stats().running() < runners || runtime.stats().queued() > 0) && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      long warm = runtime.stats().steps() + 3;
      while (runtime.stats().steps() < warm && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      RuntimeProbe.resetLongest(runtime);
      RuntimeStats before = runtime.stats();
      OcrResult joined = runtime.submit(big, runtime.prompt(TaskSpec.of(Task.SUBTITLES))).get(30, TimeUnit.MINUTES);
      RuntimeStats after = runtime.stats();
      running.forEach(f -> f.cancel(false));
      double chunkMs = (after.prefillNanos() - before.prefillNanos()) / 1e6
          / (after.prefillChunks() - before.prefillChunks());
      double longestChunkMs = after.longestPrefillChunkNanos() / 1e6;
      double stepMs = (after.decodeStepNanos() - before.decodeStepNanos()) / 1e6 / (after.steps() - before.steps());
      double gapMs = after.longestStepGapNanos() / 1e6;
      String note = String.format(Locale.ROOT, "real decoder shape, fp32, %d rows decoding while a %d-token prompt"
          + " joins in %d chunks of %d tokens (chunk mean %.0f ms, longest %.0f ms: later chunks attend to more keys;"
          + " mean decode step %.0f ms; %d steps meanwhile; longest gap over mean chunk + step: %.2f)",
          runners, joined.promptTokens(), after.prefillChunks() - before.prefillChunks(),
          RuntimeConfig.DEFAULT_PREFILL_CHUNK_TOKENS, chunkMs, longestChunkMs, stepMs, after.steps() - before.steps(),
          gapMs / (chunkMs + stepMs));
      add("join_stall_ms_real_shape", gapMs, "ms", "longest time between the starts of two decode steps; " + note);
      add("join_stall_vs_chunk_ratio_real_shape", gapMs / (longestChunkMs + stepMs), "x",
          "join_stall_ms / (the longest prefill chunk + one decode step); 1.0 = the page delays the batch by one"
              + " chunk at most; " + note);
    }
  }

  /** Native memory and time of the real-width vision tower (one exported layer) at 1 and 4 megapixels. */
  private void vision() throws Exception {
    Path bundle;
    try {
      bundle = export(work.resolve("vision-src"), "--random-real", "--vision-layers", "1", "--llm-layers", "1");
    } catch (IOException | RuntimeException e) {
      skipped("real-width vision bundle unavailable: " + e.getMessage());
      return;
    }
    for (int[] size : new int[][] {{1024, 1}, {2048, 4}}) {
      RuntimeProbe.VisionCost cost = RuntimeProbe.visionCost(bundle, device, 512, size[0]);
      String note = String.format(Locale.ROOT, "real-width ViT (1152 hidden, 16 heads, MLP 4304, random weights)"
          + " with %d of its 27 layers exported (activations do not add up over layers, so the peak is the full"
          + " tower's); %dx%d page = %dx%d patches, %d image tokens; %.0f ms for %d layer(s), about %.0f s for 27%s",
          cost.visionLayers(), size[0], size[0], cost.gridH(), cost.gridW(), cost.imageTokens(), cost.ms(),
          cost.visionLayers(), cost.ms() * 27 / cost.visionLayers() / 1e3,
          cost.peakMeasured() ? "; native peak = VmHWM (reset through /proc/self/clear_refs) - VmRSS before"
              : "; VmHWM could not be reset, so the figure is the process peak so far");
      add("vision_peak_mb_" + size[1] + "mp_real_shape", cost.peakMb(), "MB", note);
    }
  }

  private record StepCost(double modelUs, double overheadUs, double tokensPerSecond, long steps, double cpuUs) {}

  /** Decodes {@code batch} sequences of {@code tokens} ids together; per-step figures from the runtime's counters. */
  private StepCost stepCost(Path bundle, int batch, int tokens) throws Exception {
    RuntimeConfig config = RuntimeConfig.defaults().withBundle(bundle.toString()).withDevice(device)
        .withMaxBatchSize(batch)
        .withMaxNewTokens(Task.TEXT, tokens);
    try (OcrRuntime runtime = OcrRuntime.open(config)) {
      PreparedImage image = runtime.prepare(page(256, 256));
      Prompt prompt = runtime.prompt(TaskSpec.of(Task.TEXT));
      runtime.submit(image, prompt).get(10, TimeUnit.MINUTES); // warm-up: graph optimiser, allocator
      long scheduler = schedulerThreadId();
      RuntimeStats before = runtime.stats();
      long cpuBefore = THREADS.getThreadCpuTime(scheduler);
      List<CompletableFuture<OcrResult>> futures = runtime.submitAll(image, Collections.nCopies(batch, prompt));
      for (CompletableFuture<OcrResult> f : futures) {
        f.get(30, TimeUnit.MINUTES);
      }
      RuntimeStats after = runtime.stats();
      double cpuNs = THREADS.getThreadCpuTime(scheduler) - cpuBefore;
      long steps = after.steps() - before.steps();
      double stepNs = after.decodeStepNanos() - before.decodeStepNanos();
      double modelNs = after.decodeModelNanos() - before.decodeModelNanos();
      long decodeTokens = after.generatedTokens() - before.generatedTokens() - batch; // prefills' first ids excluded
      return new StepCost(modelNs / steps / 1e3, (stepNs - modelNs) / steps / 1e3, decodeTokens / (stepNs / 1e9),
          steps, cpuNs / steps / 1e3);
    }
  }

  /** The newest runtime's scheduler thread (threads are numbered as runtimes open). */
  private static long schedulerThreadId() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("scriptorium-ocr-scheduler-"))
        .max(Comparator.comparingInt(t -> Integer.parseInt(t.getName().substring(t.getName().lastIndexOf('-') + 1))))
        .orElseThrow()
        .getId();
  }

  /** RSS growth in MB over steps 2k..12k and 12k..22k, and committed heap growth over 12k..22k. */
  private double[] rssGrowth(Path bundle) throws Exception {
    RuntimeConfig config = RuntimeConfig.defaults().withBundle(bundle.toString()).withDevice(device)
        .withMaxBatchSize(4)
        .withMaxNewTokens(Task.TEXT, 500);
    try (OcrRuntime runtime = OcrRuntime.open(config)) {
      PreparedImage image = runtime.prepare(page(256, 256));
      Prompt prompt = runtime.prompt(TaskSpec.of(Task.TEXT));
      List<CompletableFuture<OcrResult>> futures = runtime.submitAll(image, Collections.nCopies(200, prompt));
      long[] rss = new long[3];
      long[] heap = new long[3];
      for (int i = 0; i < 3; i++) {
        while (runtime.stats().steps() < 2_000 + i * 10_000L) {
          Thread.sleep(1);
        }
        rss[i] = rssKb();
        heap[i] = Runtime.getRuntime().totalMemory() / 1024;
      }
      for (CompletableFuture<OcrResult> f : futures) {
        f.cancel(false);
      }
      return new double[] {(rss[1] - rss[0]) / 1024.0, (rss[2] - rss[1]) / 1024.0, (heap[2] - heap[1]) / 1024.0};
    }
  }

  private static boolean preTouched() {
    return ManagementFactory.getRuntimeMXBean().getInputArguments().contains("-XX:+AlwaysPreTouch");
  }

  private static long rssKb() throws IOException {
    for (String line : Files.readAllLines(Paths.get("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IOException("no VmRSS in /proc/self/status");
  }

  private static BufferedImage page(int w, int h) {
    BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        image.setRGB(x, y, ((x * 7) ^ (y * 13)) & 0xffffff);
      }
    }
    return image;
  }

  /** Cached tokens per row for the short-context decode figures (a small page's prompt). */
  private static final int SHORT_CONTEXT = 128;

  /** The tiny twin's pixel bounds: short prompts (74..402 image tokens) for the decode-loop figures. */
  private static final long[] SHORT_PROMPT_PIXELS = {256 * 256, 640 * 640};

  /**
   * Copy whose manifest never stops early: no stop ids, repetition threshold out of reach; {@code pixels} (min, max)
   * replaces the preprocessing bounds when given.
   */
  private static Path benchBundle(Path source, Path target, long[] pixels) throws IOException {
    Files.createDirectories(target);
    for (String name : List.of("model.pt", "tokenizer.json")) {
      Files.createSymbolicLink(target.resolve(name), source.toAbsolutePath().resolve(name));
    }
    JsonObject manifest = JsonParser.parseString(Files.readString(source.resolve("manifest.json"))).getAsJsonObject();
    JsonObject generation = manifest.getAsJsonObject("generation");
    generation.add("stop_ids", new JsonArray());
    generation.getAsJsonObject("repetition").addProperty("min_repeats", 1_000_000);
    if (pixels != null) {
      manifest.getAsJsonObject("preprocessing").addProperty("min_pixels", pixels[0]);
      manifest.getAsJsonObject("preprocessing").addProperty("max_pixels", pixels[1]);
    }
    Files.writeString(target.resolve("manifest.json"), manifest.toString(), StandardCharsets.UTF_8);
    return target;
  }

  private static Path copyBuiltin(Path target) throws IOException {
    Files.createDirectories(target);
    for (String name : FILES) {
      try (InputStream in = RuntimeBenchmark.class.getClassLoader().getResourceAsStream(TINY_RESOURCES + name)) {
        if (in == null) {
          throw new IOException("builtin tiny bundle resource missing: " + name);
        }
        Files.copy(in, target.resolve(name));
      }
    }
    return target;
  }

  private static Path exportRealShape(Path out) throws IOException, InterruptedException {
    return export(out, "--random-real-decoder");
  }

  /** Runs {@code hunyuan_ocr.py export <kind...> --out out} with Debian's python. */
  private static Path export(Path out, String... kind) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("/usr/bin/python3", locateExporter().toString(), "export"));
    command.addAll(List.of(kind));
    command.addAll(List.of("--out", out.toString()));
    Process p = new ProcessBuilder(command).inheritIO().start();
    if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new IOException("exporter exited with " + (p.isAlive() ? "timeout" : p.exitValue()));
    }
    return out;
  }

  /** Said at the start of a bench whose real-shape figures cannot run. */
  public static final String EXPORTER_MISSING = "real-shape runtime figures need Debian's torch for the exporter"
      + " (/usr/bin/python3 -c 'import torch' failed) and will be skipped; to enable them: apt-get install -y"
      + " python3-torch python3-pil python3-numpy";

  private static Path locateExporter() throws IOException {
    String repo = System.getProperty("scriptorium.repo.dir");
    for (Path candidate : new Path[] {
      repo == null ? null : Paths.get(repo, "model-loader/export/hunyuan_ocr.py"),
      Paths.get("model-loader/export/hunyuan_ocr.py"),
      Paths.get("export/hunyuan_ocr.py")
    }) {
      if (candidate != null && Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    throw new IOException("model-loader/export/hunyuan_ocr.py not found (run from the repository root)");
  }

  private void add(String name, double value, String unit, String note) {
    JsonObject f = new JsonObject();
    f.addProperty("name", name);
    f.addProperty("value", Math.round(value * 1000.0) / 1000.0);
    f.addProperty("unit", unit);
    f.addProperty("note", note);
    figures.add(f);
    System.out.printf("%-42s %12.3f %-9s %s%n", name, value, unit, note);
  }

  private void skipped(String why) {
    JsonObject f = new JsonObject();
    f.addProperty("name", "real_shape_skipped");
    f.add("value", null);
    f.addProperty("unit", "");
    f.addProperty("note", why);
    figures.add(f);
    System.out.println(why);
  }

  private void write(Path out) throws IOException {
    JsonObject root = new JsonObject();
    JsonArray list = new JsonArray();
    figures.forEach(list::add);
    root.add("figures", list);
    Gson gson = new GsonBuilder().setPrettyPrinting().serializeNulls().create();
    Files.writeString(out, gson.toJson(root), StandardCharsets.UTF_8);
  }
}
