package io.scriptorium.pipeline;

import io.scriptorium.model.RuntimeConfig;
import io.scriptorium.pipeline.eval.EvalOptions;
import io.scriptorium.pipeline.eval.EvalSummary;
import io.scriptorium.pipeline.eval.Evaluation;
import io.scriptorium.pipeline.infer.BundleCache;
import io.scriptorium.pipeline.infer.ModelPlacement;
import io.scriptorium.pipeline.report.PageReport;
import io.scriptorium.pipeline.run.DigitizeJob;
import io.scriptorium.pipeline.run.MaintainJob;
import io.scriptorium.pipeline.run.ReparseJob;
import io.scriptorium.pipeline.vocab.PageStatus;
import io.scriptorium.pipeline.warehouse.DeltaRetry;
import io.scriptorium.pipeline.warehouse.RunLog;
import io.scriptorium.pipeline.warehouse.Tables;
import io.scriptorium.pipeline.warehouse.Warehouse;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The one entry point of Scriptorium for jobs, SQL functions, notebooks and tests.
 *
 * <pre>{@code
 * SparkSession spark = Scriptorium.configure(SparkSession.builder()).getOrCreate();
 * RunSummary run = Scriptorium.get(spark).digitize(options);
 * Scriptorium.get(spark).sql("file:/data/warehouse", "SELECT status, count(*) FROM scriptorium.pages GROUP BY 1").show();
 * }</pre>
 */
public final class Scriptorium {
  private final SparkSession spark;

  private Scriptorium(SparkSession spark) {
    this.spark = spark;
  }

  public static Scriptorium get(SparkSession spark) {
    return new Scriptorium(spark);
  }

  /**
   * Adds the session settings Scriptorium needs to a builder that has not started yet: Delta Lake, and fair scheduling
   * so a chunk's commit jobs run beside the next chunk's inference (a {@code spark.scheduler.mode} given to
   * spark-submit, or set on the builder afterwards, wins).
   */
  public static SparkSession.Builder configure(SparkSession.Builder builder) {
    return builder
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        .config("spark.scheduler.mode", System.getProperty("spark.scheduler.mode", "FAIR"));
  }

  /** Runs {@code digitize}; a bad page never fails it, only a systemic fault does (cause chained). */
  public RunSummary digitize(DigitizeOptions options) {
    return new DigitizeJob(spark, options.warehouse()).digitize(options);
  }

  /**
   * Re-infers the pages a predicate selects (for example those whose parse hit the token cap, or those made
   * by an older model revision) and writes new results beside the old ones.
   */
  public RunSummary rerun(RerunOptions options) {
    return new DigitizeJob(spark, options.warehouse()).rerun(options);
  }

  /**
   * Re-runs the parsers over the stored raw outputs a predicate over {@code scriptorium.raw_outputs} selects (for
   * example {@code "batch_date = '2026-11-24' AND task = 'parse'"}) and replaces their rows in the parsed tables and
   * {@code spots}, one commit per table. Loads no model; records the run in {@code runs}.
   */
  public ReparseSummary reparse(String warehouse, String where) {
    return new ReparseJob(spark, warehouse).reparse(where);
  }

  /**
   * Compacts every table of the warehouse (Delta {@code OPTIMIZE}, optionally Z-ordered), then {@code VACUUM}s it;
   * the rows every query returns stay the same. Records the run in {@code runs} (command {@code maintain}).
   *
   * @throws IllegalArgumentException when {@code options.where()} is not a predicate on the partition columns alone
   */
  public MaintainSummary maintain(MaintainOptions options) {
    return new MaintainJob(spark, options.warehouse()).maintain(options);
  }

  /** Puts quarantined pages the predicate selects back in the queue of the next run; returns how many. */
  public long requeue(String warehouse, String where) {
    Warehouse tables = new Warehouse(warehouse);
    tables.ensureTables(spark);
    // Delta's UPDATE takes no subquery in its condition, so the selected rows are merged back by key.
    Dataset<Row> chosen = UserPredicate.select(spark.table("scriptorium.pages"), "pages", where)
        .where("status = " + PageStatus.QUARANTINED.sqlLiteral()).select("page_id", "collection", "batch_date");
    Row metrics = DeltaRetry.onConflict("requeue", () -> io.delta.tables.DeltaTable.forPath(spark,
            tables.location(Tables.PAGES)).as("t")
        .merge(chosen.as("s"), "t.page_id = s.page_id AND t.collection <=> s.collection"
            + " AND t.batch_date <=> s.batch_date AND t.status = " + PageStatus.QUARANTINED.sqlLiteral())
        .whenMatched().updateExpr(java.util.Map.of("status", PageStatus.FAILED.sqlLiteral(), "attempts", "0"))
        .execute()
        .first());
    return metrics.getAs("num_updated_rows");
  }

  /**
   * The run {@code runId}, or when null the newest running run, else the newest run (null when the warehouse has
   * none): progress, heartbeat age, and whether a running run's driver is dead. Reads only.
   */
  public RunStatus status(String warehouse, String runId) {
    Warehouse tables = new Warehouse(warehouse);
    tables.ensureTables(spark);
    return new RunLog(spark, tables, new ScriptoriumConf(spark.conf())).status(runId);
  }

  /** Registers the warehouse's tables in the {@code scriptorium} namespace (creating missing ones). */
  public void open(String warehouse) {
    new Warehouse(warehouse).ensureTables(spark);
  }

  /** Scores the warehouse's outputs against ground truth and writes the {@code eval} table (see {@link Evaluation}). */
  public EvalSummary evaluate(EvalOptions options) {
    return Evaluation.get(spark).run(options);
  }

  /** Writes the HTML page report of the pages a predicate selects (see {@link PageReport#write}). */
  public PageReport.Summary report(String warehouse, String where, Path out, int limit) {
    return PageReport.write(spark, warehouse, where, out, limit);
  }

  /**
   * The local directory of a model bundle, fetched into {@code cacheRoot} and verified first when it is remote (see
   * {@link BundleCache#localize}).
   */
  public static String localizeBundle(String bundle, Configuration conf, String cacheRoot) {
    return BundleCache.localize(bundle, conf, cacheRoot);
  }

  /**
   * Inside a Spark task: the runtime config with the bundle in this node's cache and the GPU Spark assigned to the
   * task (see {@link ModelPlacement#forTask}).
   */
  public static RuntimeConfig runtimeForTask(RuntimeConfig requested, Configuration hadoopConf) {
    return ModelPlacement.forTask(requested, hadoopConf);
  }

  /** Runs a Spark SQL query over the warehouse's tables. */
  public Dataset<Row> sql(String warehouse, String query) {
    open(warehouse);
    return spark.sql(query);
  }
}
