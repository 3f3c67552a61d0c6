package io.scriptorium.pipeline.run;

import io.delta.tables.DeltaOptimizeBuilder;
import io.delta.tables.DeltaTable;
import io.scriptorium.model.ModelInfo;
import io.scriptorium.pipeline.MaintainOptions;
import io.scriptorium.pipeline.MaintainSummary;
import io.scriptorium.pipeline.RunSummary;
import io.scriptorium.pipeline.ScriptoriumConf;
import io.scriptorium.pipeline.vocab.RunState;
import io.scriptorium.pipeline.warehouse.DeltaRetry;
import io.scriptorium.pipeline.warehouse.Ids;
import io.scriptorium.pipeline.warehouse.ParsedTables;
import io.scriptorium.pipeline.warehouse.RunLog;
import io.scriptorium.pipeline.warehouse.Tables;
import io.scriptorium.pipeline.warehouse.Warehouse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.SubqueryExpression;
import org.apache.spark.sql.catalyst.plans.logical.Filter;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Option;

/**
 * {@code maintain}: compacts every table of a warehouse (Delta {@code OPTIMIZE}, optionally {@code ZORDER BY}), then
 * removes the files no version within the retention needs ({@code VACUUM}). A year of nightly chunked commits leaves
 * thousands of small files per table; each costs a task, an open and a footer read in every query.
 *
 * <p>Compaction changes no data ({@code dataChange = false}), so readers see the same rows before and after, and
 * readers of an older snapshot keep working until {@code VACUUM} deletes the files it replaced. It can run beside a
 * {@code digitize}: a commit that loses an optimistic-concurrency race (the compaction, or a run's MERGE of the same
 * files) is retried ({@link DeltaRetry}). Partitioned tables go first, {@code runs} last, so a predicate Delta rejects
 * fails before anything was rewritten.
 */
public final class MaintainJob {
  /** A maintenance run uses no model: its {@code runs} row has none. */
  private static final ModelInfo NO_MODEL = new ModelInfo(null, null, null, null, null, null);
  private static final String VACUUM_LOGGING = "spark.databricks.delta.vacuum.logging.enabled";
  private static final String RETENTION_CHECK = "spark.databricks.delta.retentionDurationCheck.enabled";
  private static final String LISTING_PARALLELISM = "spark.sql.sources.parallelPartitionDiscovery.parallelism";
  private static final Logger LOG = LoggerFactory.getLogger(MaintainJob.class);

  private final SparkSession spark;
  private final Warehouse warehouse;
  private final RunLog runLog;

  public MaintainJob(SparkSession spark, String warehouse) {
    this.spark = spark;
    this.warehouse = new Warehouse(warehouse);
    this.runLog = new RunLog(spark, this.warehouse, new ScriptoriumConf(spark.conf()));
  }

  /**
   * The column a table is Z-ordered by with {@code --zorder}: the one its point lookups filter on, so that Delta's
   * per-file min/max statistics skip most files. Z-ordering on one column amounts to sorting by it across the
   * partition's files. Both columns are among the first 32 of their schema, where Delta collects statistics.
   * <ul>
   *   <li>{@code pages}: {@code source_uri}, how a page is found ("what did we read from this file?"; page_id is a
   *       hash of it and page_no, and the incremental planner matches listed files by it);
   *   <li>{@code raw_outputs}, {@code spots} and the parsed tables: {@code content_sha256}, the key every output is
   *       stored and joined under (identical pages share one output);
   *   <li>{@code runs}: none (one small unpartitioned table).
   * </ul>
   * Queries through the views ({@code page_text}, {@code current_outputs}) aggregate before they filter, so they gain
   * from compaction, not from Z-order.
   */
  static String zorderColumn(String table) {
    if (!Tables.partitioned(table)) {
      return null;
    }
    return Tables.PAGES.equals(table) ? "source_uri" : "content_sha256";
  }

  public MaintainSummary maintain(MaintainOptions options) {
    warehouse.ensureTables(spark);
    if (options.where() != null) {
      requirePartitionPredicate(options.where());
    }
    String runId = Ids.newRunId();
    long start = System.nanoTime();
    Map<String, Object> arguments = new LinkedHashMap<>();
    arguments.put("where", options.where());
    arguments.put("zorder", options.zorder());
    arguments.put("vacuum", options.vacuum());
    arguments.put("vacuum_hours", options.vacuumHours());
    arguments.put("allow_short_retention", options.allowShortRetention());
    runLog.started(runId, "maintain", RunLog.toJson(arguments), null, null, NO_MODEL, false);
    try {
      List<MaintainSummary.Table> done = new ArrayList<>();
      for (String table : tables()) {
        done.add(maintain(table, options));
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      runLog.finished(new RunSummary(runId, RunState.SUCCEEDED.wireName(), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, seconds,
          Map.of(), List.of()), 0);
      return new MaintainSummary(runId, done, seconds);
    } catch (RuntimeException | Error e) {
      runLog.failed(e);
      throw e;
    }
  }

  /** Every Scriptorium table of the warehouse: the partitioned ones first, then {@code runs}. */
  static List<String> tables() {
    List<String> tables = new ArrayList<>();
    Tables.ALL.stream().filter(Tables::partitioned).forEach(tables::add);
    ParsedTables.ALL.forEach(spec -> tables.add(spec.name()));
    Tables.ALL.stream().filter(t -> !Tables.partitioned(t)).forEach(tables::add);
    return tables;
  }

  private MaintainSummary.Table maintain(String table, MaintainOptions options) {
    String location = warehouse.location(table);
    boolean partitioned = Tables.partitioned(table);
    String zorder = options.zorder() ? zorderColumn(table) : null;
    Row before = DeltaTable.forPath(spark, location).detail().first();
    long start = System.nanoTime();
    try {
      DeltaRetry.onConflict("OPTIMIZE " + table, () -> {
        DeltaOptimizeBuilder optimize = DeltaTable.forPath(spark, location).optimize();
        if (partitioned && options.where() != null) {
          optimize = optimize.where(options.where());
        }
        return zorder == null ? optimize.executeCompaction() : optimize.executeZOrderBy(zorder);
      });
    } catch (Exception e) { // Scala throws AnalysisException, a checked exception, undeclared
      if (e instanceof AnalysisException && options.where() != null && partitioned) {
        throw new IllegalArgumentException("--where '" + options.where() + "' was refused for table " + table + ": "
            + firstLine(e) + " (OPTIMIZE ... WHERE accepts only predicates on the partition columns "
            + String.join(" and ", Tables.PARTITION_COLUMNS) + ")", e);
      }
      throw e;
    }
    double optimizeSeconds = (System.nanoTime() - start) / 1e9;
    Row after = DeltaTable.forPath(spark, location).detail().first();
    long vacuumed = -1;
    double vacuumSeconds = 0;
    if (options.vacuum()) {
      start = System.nanoTime();
      vacuumed = vacuum(location, options.vacuumHours());
      vacuumSeconds = (System.nanoTime() - start) / 1e9;
    }
    MaintainSummary.Table done = new MaintainSummary.Table(table, before.<Long>getAs("numFiles"),
        after.<Long>getAs("numFiles"), before.<Long>getAs("sizeInBytes"), after.<Long>getAs("sizeInBytes"), vacuumed,
        optimizeSeconds, vacuumSeconds, zorder);
    LOG.info("Maintained {}: {} -> {} files, {} -> {} bytes{} in {} s; VACUUM deleted {} files in {} s", table,
        done.filesBefore(), done.filesAfter(), done.bytesBefore(), done.bytesAfter(),
        zorder == null ? "" : ", Z-ordered by " + zorder, String.format(java.util.Locale.ROOT, "%.1f", optimizeSeconds),
        vacuumed, String.format(java.util.Locale.ROOT, "%.1f", vacuumSeconds));
    return done;
  }

  /**
   * The predicate may name only the partition columns, the only ones {@code OPTIMIZE ... WHERE} accepts: checked
   * before anything runs, by resolving it against a relation that has those two columns and nothing else (a Filter
   * over a projection of the table would resolve the others through the projection).
   */
  private void requirePartitionPredicate(String where) {
    String partitionColumns = String.join(" and ", Tables.PARTITION_COLUMNS);
    StructType schema = new StructType(Tables.PARTITION_COLUMNS.stream().map(Tables.PAGES_SCHEMA::apply)
        .toArray(StructField[]::new));
    LogicalPlan plan;
    try {
      plan = spark.createDataFrame(List.<Row>of(), schema).where(functions.expr(where)).queryExecution().analyzed();
    } catch (Exception e) { // AnalysisException (ParseException is one too): checked, thrown undeclared by Scala
      if (!(e instanceof AnalysisException)) {
        throw e;
      }
      throw new IllegalArgumentException("--where '" + where + "' is not a predicate on the partition columns "
          + partitionColumns + ", the only ones OPTIMIZE ... WHERE accepts: " + firstLine(e), e);
    }
    if (plan instanceof Filter filter && SubqueryExpression.hasSubquery(filter.condition())) {
      throw new IllegalArgumentException("--where '" + where + "' has a subquery; OPTIMIZE ... WHERE accepts only"
          + " plain predicates on the partition columns " + partitionColumns);
    }
  }

  /**
   * {@code VACUUM} at the given retention (null: the table's own, 168 hours unless set); returns the files it deleted,
   * from the {@code VACUUM END} entry it logs in the table's history (-1 when that is missing). A retention below
   * Delta's safety check was allowed by {@link MaintainOptions}: the check is lifted for this call only.
   */
  private long vacuum(String location, Integer hours) {
    Map<String, Option<String>> previous = new LinkedHashMap<>();
    override(previous, VACUUM_LOGGING, "true"); // VACUUM START / VACUUM END in the history, with the files deleted
    if (hours != null && hours < MaintainOptions.SAFE_RETENTION_HOURS) {
      override(previous, RETENTION_CHECK, "false");
    }
    if (!spark.conf().contains(LISTING_PARALLELISM)) {
      // VACUUM lists the table in this many tasks; Spark's default, 10,000, costs 25 s per table on two cores even
      // when the table is empty. A few tasks per core keep the listing of many directories parallel.
      override(previous, LISTING_PARALLELISM, String.valueOf(4 * spark.sparkContext().defaultParallelism()));
    }
    DeltaTable table = DeltaTable.forPath(spark, location);
    try {
      if (hours == null) {
        table.vacuum();
      } else {
        table.vacuum(hours.doubleValue());
      }
    } finally {
      previous.forEach((key, value) -> {
        if (value.isDefined()) {
          spark.conf().set(key, value.get());
        } else {
          spark.conf().unset(key);
        }
      });
    }
    List<Row> end = table.history(5).where("operation = 'VACUUM END'").orderBy(functions.col("version").desc())
        .select("operationMetrics").limit(1).collectAsList();
    if (end.isEmpty() || end.get(0).isNullAt(0)) {
      return -1;
    }
    String deleted = end.get(0).<String, String>getJavaMap(0).get("numDeletedFiles");
    return deleted == null ? -1 : Long.parseLong(deleted);
  }

  /** Sets a session setting for the duration of one call, remembering whether and how it was set before. */
  private void override(Map<String, Option<String>> previous, String key, String value) {
    previous.put(key, spark.conf().contains(key) ? Option.apply(spark.conf().get(key)) : Option.empty());
    spark.conf().set(key, value);
  }

  private static String firstLine(Throwable e) {
    String message = String.valueOf(e.getMessage()).strip();
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
