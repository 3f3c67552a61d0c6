package io.scriptorium.bench;

import io.delta.tables.DeltaTable;
import io.scriptorium.model.Task;
import io.scriptorium.model.TaskSpec;
import io.scriptorium.pipeline.DigitizeOptions;
import io.scriptorium.pipeline.MaintainOptions;
import io.scriptorium.pipeline.MaintainSummary;
import io.scriptorium.pipeline.Scriptorium;
import io.scriptorium.pipeline.vocab.RunState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;

/**
 * {@code maintain} on a warehouse made the way a year of nightly runs makes it, scaled down: {@value #RUNS} small
 * digitize runs (one page each, tiny model, spotting), ten per batch date, so every partition of every table holds
 * ten small files, and {@code runs} a hundred rows. Measures the data files and the time of a {@code page_text} lookup
 * of one page before and after {@code maintain} (compaction, then VACUUM at 0 hours, allowed: nothing else uses this
 * warehouse), then after {@code maintain --zorder}.
 */
final class MaintainBench {
  static final int RUNS = 100;
  private static final int RUNS_PER_NIGHT = 10;
  private static final int LOOKUPS = 7;

  private MaintainBench() {}

  static void run(BenchContext ctx) throws Exception {
    Figures f = ctx.figures();
    int runs = ctx.quick() ? 6 : RUNS;
    int perNight = ctx.quick() ? 3 : RUNS_PER_NIGHT;
    Path dir = ctx.scratch("maintain");
    String warehouse = dir.resolve("warehouse").toUri().toString();
    SparkSession spark = ctx.spark();
    Scriptorium scriptorium = Scriptorium.get(spark);
    LocalDate firstNight = LocalDate.of(2026, 1, 1);
    int done = runsDone(spark, dir.resolve("warehouse"));
    ctx.log("maintain: %d digitize runs of one page, %d per batch date%s", runs, perNight,
        done == 0 ? "" : "; " + done + " already in the kept --work directory, resuming");
    long start = System.nanoTime();
    for (int i = done; i < runs; i++) {
      Path page = page(dir, i);
      SyntheticPages.write(page, i, 640, 480, 8);
      scriptorium.digitize(new DigitizeOptions(List.of(page.getParent().toUri().toString()), null, null, warehouse,
          "bench", firstNight.plusDays(i / perNight), List.of(TaskSpec.of(Task.SPOTTING)), null));
    }
    double buildSeconds = (System.nanoTime() - start) / 1e9;
    scriptorium.open(warehouse);
    String lookedUp = spark.sql("SELECT source_uri FROM scriptorium.pages WHERE source_uri LIKE '%/"
        + page(dir, runs / 2).getFileName() + "'").first().getString(0); // as listing spelled it
    String lookup = "SELECT text FROM scriptorium.page_text WHERE source_uri = '" + lookedUp + "'";
    if (spark.sql(lookup).count() != 1) {
      throw new IllegalStateException("the lookup does not find its page: " + lookup);
    }
    String built = done == 0 ? String.format(Locale.ROOT, "built in %.0f s", buildSeconds)
        : String.format(Locale.ROOT, "%d of them kept from an interrupted bench in --work, %d built in %.0f s", done,
            runs - done, buildSeconds);
    String setup = String.format(Locale.ROOT, "%d digitize runs of 1 page (tiny model, spotting), %d per batch date,"
        + " %s; %s, %d cores", runs, perNight, built, ctx.master(), Host.cores());

    long snapshotBefore = snapshotFiles(spark, warehouse);
    long diskBefore = filesOnDisk(dir.resolve("warehouse"));
    double lookupBefore = medianSeconds(spark, scriptorium, warehouse, lookup);
    double loadBefore = Host.load();

    ctx.log("maintain: compaction and VACUUM RETAIN 0 HOURS");
    MaintainSummary compacted = scriptorium.maintain(new MaintainOptions(warehouse, null, false, true, 0, true));
    long snapshotAfter = snapshotFiles(spark, warehouse);
    long diskAfter = filesOnDisk(dir.resolve("warehouse"));
    double lookupAfter = medianSeconds(spark, scriptorium, warehouse, lookup);
    double loadAfter = Host.load();

    ctx.log("maintain: --zorder");
    MaintainSummary zordered = scriptorium.maintain(new MaintainOptions(warehouse, null, true, false, null, false));
    double lookupZordered = medianSeconds(spark, scriptorium, warehouse, lookup);
    double loadZordered = Host.load();

    f.add("maintain_files_before", snapshotBefore, "files", "data files in the current version of every table ("
        + compacted.tables().size() + " tables) after the runs; " + setup);
    f.add("maintain_files_after", snapshotAfter, "files", "the same after maintain (OPTIMIZE of every table)");
    f.add("maintain_files_on_disk_before", diskBefore, "files", "data files under the warehouse, replaced ones"
        + " included (what a listing or VACUUM walks)");
    f.add("maintain_files_on_disk_after", diskAfter, "files", "the same after maintain's VACUUM RETAIN 0 HOURS");
    f.add("maintain_seconds", compacted.seconds(), "s", "wall time of maintain (compaction + VACUUM of every table)");
    f.add("maintain_zorder_seconds", zordered.seconds(), "s", "wall time of maintain --zorder --no-vacuum afterwards");
    String how = "median of " + LOOKUPS + " runs of `" + lookup.replace(lookedUp, "<one page's uri>")
        + "` (after one warm-up)";
    f.add("page_text_lookup_s_before", lookupBefore, "s", how + ", before maintain; load " + fmt(loadBefore));
    f.add("page_text_lookup_s_after", lookupAfter, "s", "the same after maintain; load " + fmt(loadAfter));
    f.add("page_text_lookup_s_after_zorder", lookupZordered, "s", "the same after maintain --zorder; load "
        + fmt(loadZordered));
    f.add("page_text_lookup_speedup", lookupBefore / lookupAfter, "x", "before / after maintain");
  }

  private static Path page(Path dir, int run) {
    return dir.resolve("input-" + run).resolve(String.format(Locale.ROOT, "page-%04d.png", run));
  }

  /**
   * Digitize runs an interrupted bench left in a kept {@code --work} directory, to resume after them; 0 for a new
   * one. A warehouse that was already maintained is not measured again.
   */
  private static int runsDone(SparkSession spark, Path warehouse) {
    Path runs = warehouse.resolve("runs");
    if (!Files.isDirectory(runs.resolve("_delta_log"))) {
      return 0;
    }
    org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> table = spark.read().format("delta")
        .load(runs.toUri().toString());
    if (table.where("command = 'maintain' AND status = " + RunState.SUCCEEDED.sqlLiteral()).count() > 0) {
      throw new IllegalStateException(warehouse + " was maintained by an earlier bench already: give another --work");
    }
    return (int) table.where("command = 'digitize' AND status = " + RunState.SUCCEEDED.sqlLiteral()).count();
  }

  private static String fmt(double load) {
    return String.format(Locale.ROOT, "%.1f", load);
  }

  private static long snapshotFiles(SparkSession spark, String warehouse) throws IOException {
    long files = 0;
    try (Stream<Path> tables = Files.list(Path.of(java.net.URI.create(warehouse)))) {
      for (Path table : tables.filter(p -> Files.isDirectory(p.resolve("_delta_log"))).toList()) {
        files += DeltaTable.forPath(spark, table.toUri().toString()).detail().first().<Long>getAs("numFiles");
      }
    }
    return files;
  }

  private static long filesOnDisk(Path warehouse) throws IOException {
    try (Stream<Path> walk = Files.walk(warehouse)) {
      return walk.filter(p -> p.toString().endsWith(".parquet") && !p.toString().contains("_delta_log")).count();
    }
  }

  /** The query alone: the tables are registered once first, as a notebook or report session would have them. */
  private static double medianSeconds(SparkSession spark, Scriptorium scriptorium, String warehouse, String query) {
    scriptorium.open(warehouse);
    spark.sql(query).collectAsList(); // warm-up: the table snapshots, code generation
    List<Double> seconds = new ArrayList<>();
    for (int i = 0; i < LOOKUPS; i++) {
      long start = System.nanoTime();
      spark.sql(query).collectAsList();
      seconds.add((System.nanoTime() - start) / 1e9);
    }
    double[] sorted = seconds.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return sorted[sorted.length / 2];
  }
}
