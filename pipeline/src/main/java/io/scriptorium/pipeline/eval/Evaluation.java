package io.scriptorium.pipeline.eval;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.regexp_extract;

import io.scriptorium.pipeline.Scriptorium;
import io.scriptorium.pipeline.UserPredicate;
import java.net.URI;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Timestamp;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code eval}: scores model outputs in a warehouse against labelled pages and appends the scores, per page and
 * overall, to the warehouse's {@code eval} Delta table (registered as {@code scriptorium.eval}).
 *
 * <p>The outputs come from {@link #INPUT_VIEW}: the newest {@code pages} row of every page location joined with every
 * {@code raw_outputs} row for its content, so outputs of several model revisions are all there and {@code --where}
 * picks (for example {@code model_revision = 'v1.0'}). An output is scored when its page is page 1 of a file whose
 * name has ground truth ({@link TruthReaders}); only those rows reach the driver, where scoring runs (labelled sets
 * are small). Overall rows are means over pages per truth set (and {@code *} for all sets), model revision, prompt
 * and task, plus spotting counts summed over pages ({@code spot_*_micro}).
 */
public final class Evaluation {
  private static final Logger LOG = LoggerFactory.getLogger(Evaluation.class);

  /** The temporary view the {@code --where} predicate is applied to. */
  public static final String INPUT_VIEW = "eval_input";
  public static final String TABLE = "eval";
  static final String ALL_SETS = "*";
  private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss");
  private static final Pattern COUNT = Pattern.compile("\"(box_)?(tp|fp|fn)\":(\\d+)");

  static final StructType SCHEMA = new StructType(new StructField[] {
      field("eval_id", DataTypes.StringType, "Evaluation run id"),
      field("evaluated_at", DataTypes.TimestampType, "When the evaluation ran"),
      field("scope", DataTypes.StringType, "page (one page's score) or overall (aggregated over pages)"),
      field("truth_set", DataTypes.StringType, "Ground-truth set (directory name); * = all sets, overall rows only"),
      field("truth_id", DataTypes.StringType, "Ground-truth page (image file name); null for overall rows"),
      field("page_id", DataTypes.StringType, "Page id (see pages); null for overall rows"),
      field("source_uri", DataTypes.StringType, "Source file of the page; null for overall rows"),
      field("page_no", DataTypes.IntegerType, "Page number; null for overall rows"),
      field("content_sha256", DataTypes.StringType, "Content of the page; null for overall rows"),
      field("task", DataTypes.StringType, "Model task whose output was scored (parse, text, table, formula, spotting)"),
      field("metric", DataTypes.StringType, "text_ned, text_ned_blocks, cer, teds, teds_struct, teds_pubtabnet,"
          + " teds_pubtabnet_struct, formula_ned, spot_precision, spot_recall, spot_f1, spot_box_precision,"
          + " spot_box_recall, spot_box_f1; overall also spot_*_micro"),
      field("value", DataTypes.DoubleType, "Score: NED and CER lower is better (0 perfect), the others higher (1 perfect)"),
      field("items", DataTypes.IntegerType, "Page rows: true items behind the score (characters, tables, formulas, lines);"
          + " overall rows: pages averaged"),
      field("detail", DataTypes.StringType, "JSON details (spotting tp/fp/fn, counts of predicted and true items)"),
      field("model_id", DataTypes.StringType, "Model id of the output"),
      field("model_revision", DataTypes.StringType, "Model revision of the output"),
      field("bundle_sha256", DataTypes.StringType, "Bundle of the output"),
      field("prompt_sha256", DataTypes.StringType, "Prompt of the output"),
      field("output_run_id", DataTypes.StringType, "Run that produced the output; null for overall rows"),
      field("where_predicate", DataTypes.StringType, "The --where predicate of the evaluation")});

  private final SparkSession spark;

  private Evaluation(SparkSession spark) {
    this.spark = spark;
  }

  public static Evaluation get(SparkSession spark) {
    return new Evaluation(spark);
  }

  /** Scores, writes, and returns what was done. */
  public EvalSummary run(EvalOptions options) {
    Map<String, GroundTruth> truth = TruthReaders.read(localPath(options.truth()));
    LOG.info("Ground truth: {} pages under {}", truth.size(), options.truth());
    String evalId = "eval-" + LocalDateTime.now(ZoneOffset.UTC).format(ID_TIME) + "-"
        + UUID.randomUUID().toString().substring(0, 8);
    Timestamp now = new Timestamp(System.currentTimeMillis());
    Scriptorium.get(spark).open(options.warehouse());
    String location = stripSlash(options.warehouse()) + "/" + TABLE;
    spark.sql("CREATE TABLE IF NOT EXISTS scriptorium." + TABLE + " (" + SCHEMA.toDDL() + ") USING delta LOCATION '"
        + location.replace("\\", "\\\\").replace("'", "\\'") + "'");
    spark.sql(inputQuery()).createOrReplaceTempView(INPUT_VIEW);

    Dataset<Row> keys = spark.createDataset(new ArrayList<>(truth.keySet()), Encoders.STRING()).toDF("truth_file");
    List<Row> selected = UserPredicate.select(spark.table(INPUT_VIEW), "current_outputs", options.where())
        .where(col("page_no").equalTo(1))
        .withColumn("truth_file", regexp_extract(col("source_uri"), "[^/]+$", 0))
        .join(keys, "truth_file")
        .collectAsList();

    List<Row> rows = new ArrayList<>();
    Map<String, Group> groups = new TreeMap<>();
    long scored = 0;
    for (Row output : selected) {
      GroundTruth gt = truth.get(output.<String>getAs("truth_file"));
      if (gt == null) {
        continue;
      }
      Integer width = output.getAs("width");
      Integer height = output.getAs("height");
      String revision = output.getAs("model_revision");
      String modelId = output.getAs("model_id");
      String bundle = output.getAs("bundle_sha256");
      String prompt = output.getAs("prompt_sha256");
      List<PageEvaluator.Metric> metrics = PageEvaluator.evaluate(gt, output.getAs("task"), output.getAs("text"),
          width == null ? 0 : width, height == null ? 0 : height);
      if (!metrics.isEmpty()) {
        scored++;
      }
      for (PageEvaluator.Metric m : metrics) {
        rows.add(RowFactory.create(evalId, now, "page", gt.set(), gt.id(), output.<String>getAs("page_id"),
            output.<String>getAs("source_uri"), output.<Integer>getAs("page_no"),
            output.<String>getAs("content_sha256"), m.task(), m.metric(), m.value(), m.items(), m.detail(), modelId,
            revision, bundle, prompt, output.<String>getAs("output_run_id"), options.where()));
        for (String set : List.of(gt.set(), ALL_SETS)) {
          String key = String.join("\u0000", set, String.valueOf(revision), String.valueOf(prompt), m.task(), m.metric());
          groups.computeIfAbsent(key, k -> new Group(set, modelId, revision, bundle, prompt, m.task(), m.metric()))
              .add(m);
        }
      }
    }
    List<EvalSummary.Overall> overall = new ArrayList<>();
    for (Group g : groups.values()) {
      for (Map.Entry<String, Double> e : g.values().entrySet()) {
        rows.add(RowFactory.create(evalId, now, "overall", g.set, null, null, null, null, null, g.task, e.getKey(),
            e.getValue(), g.pages, null, g.modelId, g.modelRevision, g.bundleSha256, g.promptSha256, null,
            options.where()));
        overall.add(new EvalSummary.Overall(g.set, g.modelRevision, g.task, e.getKey(), e.getValue(), g.pages));
      }
    }
    if (!rows.isEmpty()) {
      spark.createDataFrame(rows, SCHEMA).write().format("delta").mode("append").save(location);
    }
    LOG.info("{}: {} outputs selected with ground truth, {} scored, {} rows written to {}", evalId, selected.size(),
        scored, rows.size(), location);
    return new EvalSummary(evalId, truth.size(), selected.size(), scored, rows.size(), overall);
  }

  /** Newest pages row per location, joined with every output for its content. */
  static String inputQuery() {
    return "SELECT p.page_id, p.source_uri, p.page_no, p.content_sha256, p.width, p.height, p.status, p.collection,"
        + " p.batch_date, o.task, o.prompt_language, o.prompt_sha256, o.text, o.finish_reason, o.output_tokens,"
        + " o.model_id, o.model_revision, o.bundle_sha256, o.created_at, o.run_id AS output_run_id"
        + " FROM (SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY source_uri, page_no"
        + " ORDER BY processed_at DESC) AS latest FROM scriptorium.pages) WHERE latest = 1) p"
        + " JOIN scriptorium.raw_outputs o ON o.content_sha256 = p.content_sha256";
  }

  /** The running sums of one overall row group. */
  private static final class Group {
    final String set;
    final String modelId;
    final String modelRevision;
    final String bundleSha256;
    final String promptSha256;
    final String task;
    final String metric;
    double sum;
    int pages;
    final long[] counts = new long[6]; // tp, fp, fn, box_tp, box_fp, box_fn

    Group(String set, String modelId, String modelRevision, String bundleSha256, String promptSha256, String task,
        String metric) {
      this.set = set;
      this.modelId = modelId;
      this.modelRevision = modelRevision;
      this.bundleSha256 = bundleSha256;
      this.promptSha256 = promptSha256;
      this.task = task;
      this.metric = metric;
    }

    void add(PageEvaluator.Metric m) {
      sum += m.value();
      pages++;
      if (m.metric().equals(PageEvaluator.SPOT_F1) && m.detail() != null) {
        Matcher c = COUNT.matcher(m.detail());
        while (c.find()) {
          int base = c.group(1) == null ? 0 : 3;
          int which = switch (c.group(2)) {
            case "tp" -> 0;
            case "fp" -> 1;
            default -> 2;
          };
          counts[base + which] += Long.parseLong(c.group(3));
        }
      }
    }

    /** The mean, and for the spotting F1 group the micro-averaged scores from summed counts. */
    Map<String, Double> values() {
      Map<String, Double> values = new LinkedHashMap<>();
      values.put(metric, sum / pages);
      if (metric.equals(PageEvaluator.SPOT_F1)) {
        SpotMetrics.Counts text = new SpotMetrics.Counts((int) counts[0], (int) counts[1], (int) counts[2]);
        SpotMetrics.Counts box = new SpotMetrics.Counts((int) counts[3], (int) counts[4], (int) counts[5]);
        values.put("spot_precision_micro", text.precision());
        values.put("spot_recall_micro", text.recall());
        values.put("spot_f1_micro", text.f1());
        values.put("spot_box_f1_micro", box.f1());
      }
      return values;
    }
  }

  private static Path localPath(String truth) {
    if (truth.startsWith("file:")) {
      return Paths.get(URI.create(truth));
    }
    if (truth.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*")) {
      throw new IllegalArgumentException("--truth must be a local directory (or file: URI), not " + truth);
    }
    return Paths.get(truth).toAbsolutePath().normalize();
  }

  private static String stripSlash(String uri) {
    return uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
  }

  private static StructField field(String name, org.apache.spark.sql.types.DataType type, String comment) {
    return new StructField(name, type, true, Metadata.empty()).withComment(comment);
  }
}
