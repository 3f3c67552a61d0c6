package io.scriptorium.bench;

import io.scriptorium.model.OcrRuntime;
import io.scriptorium.model.Prompt;
import io.scriptorium.model.RuntimeConfig;
import io.scriptorium.model.Task;
import io.scriptorium.model.TaskSpec;
import io.scriptorium.pipeline.DigitizeOptions;
import io.scriptorium.pipeline.RunSummary;
import io.scriptorium.pipeline.Scriptorium;
import io.scriptorium.pipeline.ScriptoriumConf;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.SparkSession;

/**
 * End-to-end {@code digitize} on {@code local[2]} against the bare runtime loop ({@link BareLoop}) over the same
 * generated pages, the same model (the JVM's one shared runtime: in local mode the executor is this JVM) and the same
 * tasks, in one JVM. The digitize time is the whole run: listing, hashing and planning, inference, staging and the
 * Delta MERGE commits of every chunk, the runs log. Both are warmed up first on other pages; the bare loop runs before
 * and after digitize and its mean is the reference.
 */
final class DigitizeBench {
  static final List<TaskSpec> TASKS = List.of(TaskSpec.of(Task.SPOTTING), TaskSpec.of(Task.PARSE));
  static final int WIDTH = 827;
  static final int HEIGHT = 1169;

  private DigitizeBench() {}

  static void run(BenchContext ctx) throws Exception {
    Figures f = ctx.figures();
    int n = ctx.quick() ? 8 : 1000;
    int warm = ctx.quick() ? 2 : 24;
    Path dir = ctx.scratch("digitize");
    ctx.log("digitize: generating %d + %d pages of %dx%d", n, warm, WIDTH, HEIGHT);
    List<String> pages = generate(dir.resolve("pages"), 0, n);
    List<String> warmPages = generate(dir.resolve("warm"), 1_000_000, warm);

    SparkSession spark = ctx.spark();
    ScriptoriumConf conf = new ScriptoriumConf(spark.conf());
    RuntimeConfig config = conf.runtimeConfig(null);
    OcrRuntime runtime = OcrRuntime.shared(config); // the instance digitize's local executor uses too
    List<Prompt> prompts = TASKS.stream().map(runtime::prompt).toList();
    int threads = spark.sparkContext().defaultParallelism();
    int inFlight = conf.pagesInFlight();

    ctx.log("digitize: warm-up (bare loop and a digitize run on %d other pages)", warm);
    BareLoop.run(runtime, prompts, warmPages, threads, inFlight);
    Scriptorium scriptorium = Scriptorium.get(spark);
    scriptorium.digitize(options(dir.resolve("warm"), dir.resolve("warehouse-warm")));

    ctx.log("digitize: bare loop on %d pages", n);
    double load0 = Host.load();
    BareLoop.Result bare1 = BareLoop.run(runtime, prompts, pages, threads, inFlight);
    String shuffle = spark.conf().get("spark.sql.shuffle.partitions");
    ctx.log("digitize: digitize on %d pages (spark.sql.shuffle.partitions=%s)", n, shuffle);
    double load1 = Host.load();
    Timed asConfigured = digitize(scriptorium, dir, "warehouse");
    Timed tuned = null;
    int few = 2 * Host.cores();
    if (!ctx.quick() && !shuffle.equals(String.valueOf(few))) { // else bin/scriptorium's local tuning already ran
      ctx.log("digitize: digitize on %d pages again, spark.sql.shuffle.partitions=%d", n, few);
      spark.conf().set("spark.sql.shuffle.partitions", String.valueOf(few));
      spark.conf().set("spark.databricks.delta.snapshotPartitions", String.valueOf(few));
      try {
        tuned = digitize(scriptorium, dir, "warehouse-tuned");
      } finally {
        spark.conf().set("spark.sql.shuffle.partitions", shuffle);
        spark.conf().unset("spark.databricks.delta.snapshotPartitions");
      }
    }
    ctx.log("digitize: digitize on %d pages again, each chunk committed before the next one infers", n);
    Timed sequential = withConf(spark, ScriptoriumConf.COMMIT_CHUNKS_IN_FLIGHT, "0",
        () -> digitize(scriptorium, dir, "warehouse-sequential"));
    ctx.log("digitize: bare loop again");
    double load2 = Host.load();
    BareLoop.Result bare2 = BareLoop.run(runtime, prompts, pages, threads, inFlight);
    double load3 = Host.load();

    double bareRate = 2.0 * n / (bare1.seconds() + bare2.seconds());
    String setup = String.format(Locale.ROOT, "%d generated %dx%d text pages, tasks spotting+parse, model %s on %s,"
            + " %s, chunkPages=%d, pagesPerPartition=%d, pagesInFlight=%d, batch.maxSize=%d",
        n, WIDTH, HEIGHT, runtime.model().revision(), runtime.model().device(), ctx.master(), conf.chunkPages(),
        conf.pagesPerPartition(), inFlight, config.maxBatchSize());
    f.add("bare_runtime_pages_per_s", bareRate, "pages/s", String.format(Locale.ROOT,
        "reference: same pages, model and tasks, %d threads (= local[N] tasks) x %d pages in flight, no Spark/Delta;"
            + " mean of a run before (%.2f pages/s, load %s) and after (%.2f pages/s, load %s) digitize",
        threads, inFlight, bare1.pagesPerSecond(), fmt(load0), bare2.pagesPerSecond(), fmt(load3)));
    report(f, "", asConfigured, bareRate, setup + ", spark.sql.shuffle.partitions=" + shuffle + " (the session's"
        + " setting: bin/scriptorium sets 2 x cores for local runs); load " + fmt(load1) + ".." + fmt(load2) + " on " + Host.cores() + " cores");
    if (tuned != null) {
      report(f, "_shuffle" + few, tuned, bareRate, "same, with spark.sql.shuffle.partitions=" + few
          + " and spark.databricks.delta.snapshotPartitions=" + few + " (small-data tuning, 2 x cores)");
    }
    report(f, "_sequential_commits", sequential, bareRate, "same as digitize_pages_per_s, with "
        + ScriptoriumConf.COMMIT_CHUNKS_IN_FLIGHT + "=0: each chunk committed before the next one infers (before the"
        + " overlap)");
    slowModel(ctx, dir, threads, inFlight);
  }

  /**
   * The same comparison with a model about as slow per page as the real one on a GPU (about 1 s): the tiny twin with
   * its token caps raised until the bare loop takes about a second per page, on fewer pages in smaller chunks.
   */
  private static void slowModel(BenchContext ctx, Path dir, int threads, int inFlight) throws Exception {
    Figures f = ctx.figures();
    SparkSession spark = ctx.spark();
    int n = ctx.quick() ? 4 : 120;
    int chunkPages = Math.max(1, n / 4);
    List<String> probe = generate(dir.resolve("slow-probe"), 2_000_000, ctx.quick() ? 2 : 8);
    int cap = 48;
    double secondsPerPage = 0;
    for (int round = 0; round < 3; round++) { // a few rounds: time is not quite linear in the cap
      OcrRuntime runtime = OcrRuntime.shared(new ScriptoriumConf(spark.conf()).runtimeConfig(
          TinyBundles.withMaxNewTokens(dir.resolve("slow-model-" + cap), cap).toString()));
      List<Prompt> prompts = TASKS.stream().map(runtime::prompt).toList();
      BareLoop.Result r = BareLoop.run(runtime, prompts, probe, threads, inFlight);
      secondsPerPage = r.seconds() / r.pages();
      ctx.log("digitize: slow model calibration: cap %d tokens -> %.2f s per page", cap, secondsPerPage);
      if (Math.abs(secondsPerPage - 1.0) < 0.15 || ctx.quick()) {
        break;
      }
      cap = (int) Math.max(48, Math.min(4096, Math.round(cap / secondsPerPage)));
    }
    Path model = dir.resolve("slow-model-" + cap);
    TinyBundles.withMaxNewTokens(model, cap);
    OcrRuntime runtime = OcrRuntime.shared(new ScriptoriumConf(spark.conf()).runtimeConfig(model.toString()));
    List<Prompt> prompts = TASKS.stream().map(runtime::prompt).toList();
    List<String> pages = generate(dir.resolve("slow-pages"), 3_000_000, n);
    ctx.log("digitize: slow model (cap %d tokens): bare loop, digitize, digitize with sequential commits on %d pages",
        cap, n);
    BareLoop.Result bare = BareLoop.run(runtime, prompts, pages, threads, inFlight);
    Timed overlapped = withConf(spark, ScriptoriumConf.CHUNK_PAGES, String.valueOf(chunkPages),
        () -> digitize(Scriptorium.get(spark), dir.resolve("slow-pages"), dir.resolve("warehouse-slow"), model));
    Timed sequential = withConf(spark, ScriptoriumConf.CHUNK_PAGES, String.valueOf(chunkPages),
        () -> withConf(spark, ScriptoriumConf.COMMIT_CHUNKS_IN_FLIGHT, "0",
            () -> digitize(Scriptorium.get(spark), dir.resolve("slow-pages"), dir.resolve("warehouse-slow-seq"), model)));
    String setup = String.format(Locale.ROOT, "simulated slow model: the tiny twin with every task capped at %d new"
        + " tokens (it loops to the cap), bare loop %.2f s per page, %d pages, chunkPages=%d", cap,
        bare.seconds() / bare.pages(), n, chunkPages);
    f.add("digitize_vs_bare_ratio_at_1s_per_page", overlapped.rate() / bare.pagesPerSecond(), "x", String.format(
        Locale.ROOT, "measured: digitize %.3f pages/s (%.1f s) / bare %.3f pages/s; %s", overlapped.rate(),
        overlapped.seconds(), bare.pagesPerSecond(), setup));
    f.add("digitize_vs_bare_ratio_at_1s_per_page_sequential_commits", sequential.rate() / bare.pagesPerSecond(), "x",
        String.format(Locale.ROOT, "measured: digitize %.3f pages/s (%.1f s) with %s=0; %s", sequential.rate(),
            sequential.seconds(), ScriptoriumConf.COMMIT_CHUNKS_IN_FLIGHT, setup));
  }

  private static <T> T withConf(SparkSession spark, String key, String value, java.util.concurrent.Callable<T> body)
      throws Exception {
    String before = spark.conf().getOption(key).getOrElse(() -> null);
    spark.conf().set(key, value);
    try {
      return body.call();
    } finally {
      if (before == null) {
        spark.conf().unset(key);
      } else {
        spark.conf().set(key, before);
      }
    }
  }

  private record Timed(RunSummary run, double seconds) {
    double rate() {
      return run.pagesOk() / seconds;
    }
  }

  private static Timed digitize(Scriptorium scriptorium, Path dir, String warehouse) {
    return digitize(scriptorium, dir.resolve("pages"), dir.resolve(warehouse), null);
  }

  private static Timed digitize(Scriptorium scriptorium, Path pages, Path warehouse, Path model) {
    long start = System.nanoTime();
    RunSummary run = scriptorium.digitize(new DigitizeOptions(List.of(pages.toUri().toString()), null, null,
        warehouse.toUri().toString(), "bench", LocalDate.now(), TASKS, model == null ? null : model.toString()));
    return new Timed(run, (System.nanoTime() - start) / 1e9);
  }

  private static void report(Figures f, String suffix, Timed t, double bareRate, String setup) {
    f.add("digitize_pages_per_s" + suffix, t.rate(), "pages/s", "whole digitize run (" + t.run().pagesOk() + " ok, "
        + t.run().pagesFailed() + " failed; " + String.format(Locale.ROOT, "%.1f s", t.seconds()) + "); " + setup);
    f.add("digitize_vs_bare_ratio" + suffix, t.rate() / bareRate, "x", "digitize / bare runtime loop; target >= 0.9"
        + " (Spark, storage and Delta cost at most 10%)");
    double overheadMs = 1000 * (1 / t.rate() - 1 / bareRate);
    f.add("digitize_overhead_ms_per_page" + suffix, overheadMs, "ms", "Spark + storage + Delta time per page"
        + " (1/digitize - 1/bare); the model's own time is " + String.format(Locale.ROOT, "%.0f ms", 1000 / bareRate)
        + " per page here");
    for (double modelSeconds : new double[] {0.25, 1.0}) {
      f.add(String.format(Locale.ROOT, "digitize_vs_bare_ratio%s_at_%dms_per_page", suffix, (int) (modelSeconds * 1000)),
          modelSeconds / (modelSeconds + Math.max(0, overheadMs) / 1000), "x", "derived, not measured: the ratio if"
          + " inference took " + (int) (modelSeconds * 1000) + " ms per page (real HunyuanOCR: about 0.25 to 1 s per"
          + " page per GPU, peers.md) and the overhead per page stayed as measured");
    }
  }

  private static DigitizeOptions options(Path input, Path warehouse) {
    return new DigitizeOptions(List.of(input.toUri().toString()), null, null, warehouse.toUri().toString(), "bench",
        LocalDate.now(), TASKS, null);
  }

  private static List<String> generate(Path dir, int first, int count) throws Exception {
    List<String> uris = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Path file = dir.resolve(String.format(Locale.ROOT, "page-%07d.png", first + i));
      SyntheticPages.write(file, first + i, WIDTH, HEIGHT, 30);
      uris.add(file.toUri().toString());
    }
    return uris;
  }

  static String fmt(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }
}
