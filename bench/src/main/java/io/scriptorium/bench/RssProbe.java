package io.scriptorium.bench;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import io.scriptorium.model.OcrRuntime;
import io.scriptorium.model.Prompt;
import io.scriptorium.model.RuntimeConfig;
import io.scriptorium.model.Task;
import io.scriptorium.pipeline.Scriptorium;
import io.scriptorium.pipeline.ScriptoriumConf;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Child-JVM side of the RSS benchmark: a local Spark session whose tasks run the executor's page loop (tiny generated
 * page, preprocess, spotting + parse on the JVM's shared runtime with at most 16 new tokens each, spotting parsed, 4
 * pages in flight per task) over
 * {@code warmup + pages} pages, sampling this JVM's VmRSS by pages done. Started by {@link RssBench} with a fixed,
 * pre-touched heap so that Java heap sizing cannot pass for growth.
 *
 * <pre>java ... RssProbe WARMUP PAGES OUT.json</pre>
 */
public final class RssProbe {
  /** Pages done in this JVM -> {VmRSS KiB, committed heap KiB}; local mode: the executor is this JVM. */
  static final ConcurrentSkipListMap<Long, long[]> SAMPLES = new ConcurrentSkipListMap<>();
  static final AtomicLong DONE = new AtomicLong();
  /** At least 40 samples over the run, at most one per 250 pages. */
  static volatile long sampleEvery = 250;

  private RssProbe() {}

  public static void main(String[] args) throws Exception {
    long warmup = Long.parseLong(args[0]);
    long pages = Long.parseLong(args[1]);
    SparkSession spark = Scriptorium.configure(SparkSession.builder().appName("scriptorium bench rss"))
        .master(System.getProperty("spark.master", "local[2]"))
        .config("spark.ui.enabled", "false")
        .getOrCreate();
    int maxNew = Integer.parseInt(System.getProperty("scriptorium.bench.maxNewTokens", "16"));
    RuntimeConfig config = new ScriptoriumConf(spark.conf()).runtimeConfig(null)
        .withMaxNewTokens(Task.SPOTTING, maxNew).withMaxNewTokens(Task.PARSE, maxNew);
    long start = System.nanoTime();
    long total = warmup + pages;
    sampleEvery = Math.max(1, Math.min(250, total / 40));
    int tasks = spark.sparkContext().defaultParallelism();
    spark.range(0, total, 1, tasks).as(Encoders.LONG())
        .mapPartitions((MapPartitionsFunction<Long, Long>) ids -> loop(config, ids), Encoders.LONG())
        .collectAsList();
    long count = DONE.get();
    SAMPLES.put(count, sample());
    double seconds = (System.nanoTime() - start) / 1e9;
    long[] atWarmup = SAMPLES.ceilingEntry(warmup).getValue();
    long[] atEnd = SAMPLES.lastEntry().getValue();
    JsonObject out = new JsonObject();
    out.addProperty("pages", count);
    out.addProperty("warmup_pages", warmup);
    out.addProperty("measured_pages", SAMPLES.lastKey() - SAMPLES.ceilingKey(warmup));
    out.addProperty("rss_mb_at_warmup", atWarmup[0] / 1024.0);
    out.addProperty("rss_mb_at_end", atEnd[0] / 1024.0);
    out.addProperty("rss_mb_max", SAMPLES.values().stream().mapToLong(s -> s[0]).max().orElse(0) / 1024.0);
    out.addProperty("heap_committed_growth_mb", (atEnd[1] - atWarmup[1]) / 1024.0);
    out.addProperty("seconds", seconds);
    out.addProperty("tasks", tasks);
    out.addProperty("master", spark.sparkContext().master());
    Files.writeString(Paths.get(args[2]), new Gson().toJson(out), StandardCharsets.UTF_8);
    spark.stop();
    System.exit(0);
  }

  private static Iterator<Long> loop(RuntimeConfig config, Iterator<Long> ids) throws Exception {
    OcrRuntime runtime = OcrRuntime.shared(config);
    List<Prompt> prompts = DigitizeBench.TASKS.stream().map(runtime::prompt).toList();
    long[] pages = {0};
    BareLoop.feed(runtime, prompts, ids, id -> SyntheticPages.page(id.intValue(), 200, 150, 3), 4, results -> {
      pages[0]++;
      long done = DONE.incrementAndGet();
      if (done % sampleEvery == 0 || done == 1) {
        SAMPLES.put(done, sample());
      }
    });
    return List.of(pages[0]).iterator();
  }

  /** {VmRSS KiB, committed heap KiB} now. */
  private static long[] sample() {
    return new long[] {Host.rssKb(), Runtime.getRuntime().totalMemory() / 1024};
  }
}
