package io.scriptorium.jobs.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.substring;

import io.scriptorium.model.ModelInfo;
import io.scriptorium.model.OcrRuntime;
import io.scriptorium.model.Prompt;
import io.scriptorium.model.RuntimeConfig;
import io.scriptorium.pipeline.DigitizeOptions;
import io.scriptorium.pipeline.PlanningProbe;
import io.scriptorium.pipeline.RunSummary;
import io.scriptorium.pipeline.Scriptorium;
import io.scriptorium.pipeline.ScriptoriumConf;
import io.scriptorium.pipeline.pages.PageSources;
import io.scriptorium.pipeline.pages.SourceFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Incremental planning (issue #5) at archive scale: 100,000 listed files of which 99,000 are already in the warehouse
 * and 1,000 are new. The old pages are empty files (an inode each, no data blocks: planning never reads an unchanged
 * file, it matches size and modification time against {@code pages}) whose {@code pages} and {@code raw_outputs} rows
 * are written straight into the Delta tables, with the current model revision and prompt hashes; the new pages are
 * generated text pages. Measured: the planning step alone ({@link PlanningProbe}, after one warm-up), then the whole
 * incremental {@code digitize} run, whose remainder is the processing of the new pages.
 */
final class PlanningBench {
  private PlanningBench() {}

  static void run(BenchContext ctx) throws Exception {
    Figures f = ctx.figures();
    int listed = ctx.quick() ? 400 : 100_000;
    int fresh = listed / 100;
    Path dir = ctx.scratch("planning");
    Path input = dir.resolve("input");
    ctx.log("planning: %d empty 'known' files and %d new pages", listed - fresh, fresh);
    FileTime known = FileTime.fromMillis(1_700_000_000_000L);
    for (int i = 0; i < listed; i++) {
      Path file = input.resolve(String.format(Locale.ROOT, "d%03d/p%06d.png", i / 1000, i));
      if (i % 100 == 99) {
        SyntheticPages.write(file, 2_000_000 + i, DigitizeBench.WIDTH, DigitizeBench.HEIGHT, 30);
      } else {
        Files.createDirectories(file.getParent());
        Files.createFile(file);
        Files.setLastModifiedTime(file, known);
      }
    }

    SparkSession spark = ctx.spark();
    String warehouse = dir.resolve("warehouse").toUri().toString();
    DigitizeOptions options = new DigitizeOptions(List.of(input.toUri().toString()), null, null, warehouse, "bench",
        LocalDate.now(), DigitizeBench.TASKS, null);
    long seedStart = System.nanoTime();
    long seeded = seed(spark, warehouse, options);
    double seedSeconds = (System.nanoTime() - seedStart) / 1e9;
    ctx.log("planning: seeded %d pages in %.1f s; planning (warm-up)", seeded, seedSeconds);

    PlanningProbe.Result warm = PlanningProbe.plan(spark, options);
    ctx.log("planning: warm-up %.1f s %s; measured planning", warm.seconds(), warm.actions());
    double load0 = Host.load();
    PlanningProbe.Result plan = PlanningProbe.plan(spark, options);
    ctx.log("planning: %.1f s %s; the incremental digitize run", plan.seconds(), plan.actions());
    double load1 = Host.load();
    long start = System.nanoTime();
    RunSummary run = Scriptorium.get(spark).digitize(options);
    double runSeconds = (System.nanoTime() - start) / 1e9;
    double load2 = Host.load();
    double processing = runSeconds - plan.seconds();

    String scale = String.format(Locale.ROOT, "%,d listed files (%,d known: pages + raw_outputs rows for 2 tasks written"
        + " directly; %,d new %dx%d pages), %s", listed, seeded, fresh, DigitizeBench.WIDTH, DigitizeBench.HEIGHT,
        ctx.master());
    f.add("incremental_planning_s", plan.seconds(), "s", "planning step alone (list, join pages/raw_outputs, hash new"
        + " files, stage plan; PlanningProbe, after a " + String.format(Locale.ROOT, "%.1f", warm.seconds())
        + " s warm-up); plan " + plan.actions() + "; spark.sql.shuffle.partitions="
        + spark.conf().get("spark.sql.shuffle.partitions") + "; " + scale + "; load " + DigitizeBench.fmt(load0) + " on "
        + Host.cores() + " cores");
    f.add("incremental_run_s", runSeconds, "s", "whole incremental digitize run on the same state (" + run.pagesOk()
        + " ok, " + run.pagesSkipped() + " skipped, " + run.pagesFailed() + " failed); load " + DigitizeBench.fmt(load1)
        + ".." + DigitizeBench.fmt(load2));
    f.add("incremental_new_pages_processing_s", processing, "s", "run minus planning: inference and commits of the "
        + fresh + " new pages");
    f.add("incremental_planning_fraction", plan.seconds() / runSeconds, "fraction", "planning / whole incremental run");
    f.add("incremental_planning_vs_processing_ratio", plan.seconds() / processing, "x",
        "planning time / time to process the new pages (issue #5's ratio)");
    f.add("incremental_planning_ms_per_listed_page", 1000 * plan.seconds() / listed, "ms", "planning cost per listed"
        + " page; extrapolate linearly to other archive sizes (listing is on the driver, the joins distributed)");
  }

  /** Writes pages and raw_outputs rows for the empty files, as a run of this model and prompts would have. */
  private static long seed(SparkSession spark, String warehouse, DigitizeOptions options) throws Exception {
    Scriptorium.get(spark).open(warehouse);
    RuntimeConfig config = new ScriptoriumConf(spark.conf()).runtimeConfig(null);
    ModelInfo model = OcrRuntime.describe(config);
    List<Prompt> prompts = OcrRuntime.prompts(config, options.tasks());
    List<SourceFile> files = PageSources.list(options.inputs(), null, spark.sparkContext().hadoopConfiguration());
    List<Row> known = new ArrayList<>();
    for (SourceFile file : files) {
      if (file.length() == 0) {
        known.add(RowFactory.create(file.uri(), file.length(), file.modificationTime()));
      }
    }
    StructType listing = new StructType()
        .add("source_uri", DataTypes.StringType)
        .add("file_length", DataTypes.LongType)
        .add("file_modified", DataTypes.LongType);
    Dataset<Row> old = spark.createDataFrame(known, listing).repartition(4)
        .withColumn("page_no", lit(1))
        .withColumn("content_sha256", sha2(concat(lit("bench-seed#"), col("source_uri")), 256))
        .withColumn("page_id", substring(sha2(concat(col("source_uri"), lit("#1")), 256), 1, 32));
    Date yesterday = Date.valueOf(LocalDate.now().minusDays(1));
    append(spark, warehouse, "pages", old
        .withColumn("format", lit("png"))
        .withColumn("width", lit(DigitizeBench.WIDTH))
        .withColumn("height", lit(DigitizeBench.HEIGHT))
        .withColumn("status", lit("ok"))
        .withColumn("attempts", lit(0))
        .withColumn("run_id", lit("bench-seed"))
        .withColumn("executor_id", lit("bench"))
        .withColumn("processed_at", current_timestamp())
        .withColumn("collection", lit("bench"))
        .withColumn("batch_date", lit(yesterday)));
    Dataset<Row> outputs = null;
    for (Prompt prompt : prompts) {
      Dataset<Row> one = old
          .withColumn("task", lit(prompt.task().key()))
          .withColumn("prompt_language", lit(prompt.language()))
          .withColumn("prompt", lit(prompt.text()))
          .withColumn("prompt_sha256", lit(prompt.sha256()))
          .withColumn("text", lit("<ref>seed</ref><quad>(1,1),(2,2)</quad>"))
          .withColumn("finish_reason", lit("stop"))
          .withColumn("prompt_tokens", lit(100))
          .withColumn("output_tokens", lit(10))
          .withColumn("model_id", lit(model.modelId()))
          .withColumn("model_revision", lit(model.revision()))
          .withColumn("bundle_sha256", lit(model.bundleSha256()))
          .withColumn("generation", lit(model.generationSettings()))
          .withColumn("device", lit(model.device()))
          .withColumn("executor_id", lit("bench"))
          .withColumn("run_id", lit("bench-seed"))
          .withColumn("attempt", lit(1))
          .withColumn("created_at", current_timestamp())
          .withColumn("collection", lit("bench"))
          .withColumn("batch_date", lit(yesterday));
      outputs = outputs == null ? one : outputs.unionByName(one);
    }
    append(spark, warehouse, "raw_outputs", outputs);
    return known.size();
  }

  /** Appends with the table's columns in its order; columns the frame lacks are null. */
  private static void append(SparkSession spark, String warehouse, String table, Dataset<Row> rows) {
    StructType schema = spark.table("scriptorium." + table).schema();
    List<String> have = Arrays.asList(rows.columns());
    Column[] columns = Arrays.stream(schema.fields())
        .map((StructField field) -> (have.contains(field.name()) ? col(field.name()) : lit(null))
            .cast(field.dataType()).as(field.name()))
        .toArray(Column[]::new);
    rows.select(columns).write().format("delta").mode("append").save(warehouse + "/" + table);
  }
}
