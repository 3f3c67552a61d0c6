package io.scriptorium.pipeline.warehouse;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * A warehouse root (any Hadoop-FS URI) holding one Delta table per directory.
 *
 * <p>The in-memory catalog forgets tables when the session stops, so every job registers the
 * warehouse's tables in the {@code scriptorium} namespace at start-up; that is idempotent and cheap.
 */
public final class Warehouse {
  private final String root;

  public Warehouse(String root) {
    if (root == null || root.isBlank()) {
      throw new IllegalArgumentException("A warehouse URI is required (--warehouse)");
    }
    this.root = root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
  }

  public String root() {
    return root;
  }

  public String location(String table) {
    return root + "/" + table;
  }

  String qualified(String table) {
    return Tables.NAMESPACE + "." + table;
  }

  /**
   * Creates missing tables (with column comments), registers them in the catalog, and (re)creates the views. Jobs of
   * one JVM do this one at a time: the session catalog's drop-and-create of a view is not atomic.
   */
  public void ensureTables(SparkSession spark) {
    synchronized (Warehouse.class) {
      registerTables(spark);
    }
  }

  private void registerTables(SparkSession spark) {
    spark.sql("CREATE DATABASE IF NOT EXISTS " + Tables.NAMESPACE + " LOCATION '" + escape(root) + "'");
    for (String table : Tables.ALL) {
      ensureTable(spark, table, Tables.schemaOf(table), Tables.partitioned(table));
    }
    ParsedTables.ensure(spark, this); // #4 hook: the parsed tables (blocks, tables, ..., parse_warnings)
    spark.sql(CURRENT_OUTPUTS);
    spark.sql(CURRENT_SPOTS);
    Views.create(spark); // #7 hook: page_text, failures, run_summary (they read current_spots)
  }

  /**
   * {@code current_outputs}: every page location (its newest {@code pages} row) with, per task, the newest
   * output for its content, any model revision; {@code current_spots}: the spots of those outputs.
   */
  private static final String CURRENT_OUTPUTS =
      "CREATE OR REPLACE VIEW scriptorium.current_outputs AS"
          + " WITH pages AS (SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY source_uri, page_no"
          + " ORDER BY processed_at DESC) AS latest FROM scriptorium.pages) WHERE latest = 1),"
          + " outputs AS (SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY content_sha256, task"
          + " ORDER BY created_at DESC, model_revision DESC) AS newest FROM scriptorium.raw_outputs) WHERE newest = 1)"
          + " SELECT p.page_id, p.source_uri, p.page_no, p.format, p.content_sha256, p.width, p.height, p.status,"
          + " p.error_class, p.error_message, p.attempts, p.metadata, p.collection, p.batch_date,"
          + " p.run_id AS page_run_id, p.processed_at, o.task, o.prompt_language, o.prompt_sha256, o.text,"
          + " o.finish_reason, o.prompt_tokens, o.output_tokens, o.model_id, o.model_revision, o.bundle_sha256,"
          + " o.run_id AS output_run_id, o.created_at"
          + " FROM pages p LEFT JOIN outputs o ON o.content_sha256 = p.content_sha256";

  private static final String CURRENT_SPOTS =
      "CREATE OR REPLACE VIEW scriptorium.current_spots AS"
          + " SELECT c.page_id, c.source_uri, c.page_no, c.collection, c.batch_date, s.line_no, s.text,"
          + " s.x1, s.y1, s.x2, s.y2, s.norm_x1, s.norm_y1, s.norm_x2, s.norm_y2, c.model_revision, c.prompt_sha256"
          + " FROM scriptorium.current_outputs c JOIN scriptorium.spots s ON s.content_sha256 = c.content_sha256"
          + " AND s.model_revision = c.model_revision AND s.prompt_sha256 = c.prompt_sha256"
          + " WHERE c.task = 'spotting'";

  /**
   * Creates {@code table} at this warehouse if it is missing and registers it as {@code scriptorium.<table>}.
   * A session that worked on another warehouse has that one's tables registered: they are unregistered
   * first (the catalog entry only; they are external tables, their data stays).
   */
  void ensureTable(SparkSession spark, String table, StructType schema, boolean partitioned) {
    String qualified = qualified(table);
    String location = location(table);
    boolean elsewhere;
    try {
      elsewhere = spark.catalog().tableExists(qualified) && !sameLocation(registeredLocation(spark, qualified), location);
    } catch (Exception e) { // registered at a location whose table is gone (a deleted warehouse): only the entry is left
      elsewhere = true;
    }
    if (elsewhere) { // the catalog entry only, without resolving the (maybe missing) Delta table behind it
      spark.sessionState().catalog().dropTable(
          new org.apache.spark.sql.catalyst.TableIdentifier(table, scala.Option.apply(Tables.NAMESPACE)), true, false);
    }
    if (io.delta.tables.DeltaTable.isDeltaTable(spark, location)) {
      // registered with the schema it has: an older release's table lacks the newer columns, added below
      spark.sql("CREATE TABLE IF NOT EXISTS " + qualified + " USING delta LOCATION '" + escape(location) + "'");
    } else {
      String partitioning = partitioned ? " PARTITIONED BY (" + String.join(", ", Tables.PARTITION_COLUMNS) + ")" : "";
      spark.sql("CREATE TABLE IF NOT EXISTS " + qualified + " (" + schema.toDDL() + ") USING delta" + partitioning
          + " LOCATION '" + escape(location) + "'");
    }
    addMissingColumns(spark, qualified, schema);
  }

  /** A warehouse written by an older release gets the columns added since (null in its existing rows). */
  private static void addMissingColumns(SparkSession spark, String qualified, StructType schema) {
    java.util.Set<String> present = java.util.Set.of(spark.table(qualified).schema().fieldNames());
    StructType missing = new StructType(java.util.Arrays.stream(schema.fields())
        .filter(f -> !present.contains(f.name())).toArray(org.apache.spark.sql.types.StructField[]::new));
    if (missing.nonEmpty()) {
      spark.sql("ALTER TABLE " + qualified + " ADD COLUMNS (" + missing.toDDL() + ")");
      if (java.util.Arrays.asList(missing.fieldNames()).contains("target_language")) {
        backfillTaskParameters(spark, qualified);
      }
    }
  }

  /**
   * Migration of raw outputs written before their task parameters were recorded: the translate target language and the
   * single IE key are read once from the prompt text the bundles of those releases rendered (en and zh templates), the
   * only place they can come from. Rows written since carry them as data and never need this.
   */
  private static void backfillTaskParameters(SparkSession spark, String qualified) {
    String named = "trim(coalesce(nullif(regexp_extract(prompt, 'translate the text content into ([^.。]+)', 1), ''),"
        + " nullif(regexp_extract(prompt, '翻译为([^。.，,]+)', 1), '')))";
    spark.sql("UPDATE " + qualified + " SET target_language = CASE lower(" + named + ")"
        + " WHEN 'english' THEN 'en' WHEN '英文' THEN 'en' WHEN '英语' THEN 'en'"
        + " WHEN 'chinese' THEN 'zh' WHEN '中文' THEN 'zh' WHEN '汉语' THEN 'zh' ELSE " + named + " END"
        + " WHERE task = 'translate' AND target_language IS NULL AND " + named + " IS NOT NULL");
    String key = "trim(coalesce(nullif(regexp_extract(trim(prompt), '^Output the value of (.+?)\\\\.?$', 1), ''),"
        + " nullif(regexp_extract(trim(prompt), '^输出(.+?)的值。?$', 1), '')))";
    spark.sql("UPDATE " + qualified + " SET ie_fields = array(" + key + ")"
        + " WHERE task = 'ie' AND ie_fields IS NULL AND " + key + " IS NOT NULL");
  }

  private static String registeredLocation(SparkSession spark, String qualified) {
    for (Row row : spark.sql("DESCRIBE TABLE EXTENDED " + qualified).collectAsList()) {
      if ("Location".equals(row.getString(0))) {
        return row.getString(1);
      }
    }
    return "";
  }

  private static boolean sameLocation(String registered, String wanted) {
    return normalize(registered).equals(normalize(wanted));
  }

  /** {@code file:/x}, {@code file:///x} and {@code /x} name the same directory. */
  private static String normalize(String uri) {
    String path = uri.replaceFirst("^file:(//)?", "");
    return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }

  private static String escape(String sqlString) {
    return sqlString.replace("\\", "\\\\").replace("'", "\\'");
  }
}
