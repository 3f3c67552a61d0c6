package io.scriptorium.pipeline;

import org.apache.spark.sql.SparkSession;

/**
 * A warehouse root (any Hadoop-FS URI) holding one Delta table per directory.
 *
 * <p>The in-memory catalog forgets tables when the session stops, so every job registers the
 * warehouse's tables in the {@code scriptorium} namespace at start-up; that is idempotent and cheap.
 */
final class Warehouse {
  private final String root;

  Warehouse(String root) {
    if (root == null || root.isBlank()) {
      throw new IllegalArgumentException("A warehouse URI is required (--warehouse)");
    }
    this.root = root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
  }

  String root() {
    return root;
  }

  String location(String table) {
    return root + "/" + table;
  }

  String qualified(String table) {
    return Tables.NAMESPACE + "." + table;
  }

  /** Creates missing tables (with column comments) and registers all of them in the catalog. */
  void ensureTables(SparkSession spark) {
    spark.sql("CREATE DATABASE IF NOT EXISTS " + Tables.NAMESPACE + " LOCATION '" + escape(root) + "'");
    for (String table : Tables.ALL) {
      String partitioning =
          Tables.partitioned(table) ? " PARTITIONED BY (" + String.join(", ", Tables.PARTITION_COLUMNS) + ")" : "";
      spark.sql(
          "CREATE TABLE IF NOT EXISTS " + qualified(table) + " (" + Tables.schemaOf(table).toDDL() + ") USING delta"
              + partitioning + " LOCATION '" + escape(location(table)) + "'");
    }
  }

  private static String escape(String sqlString) {
    return sqlString.replace("\\", "\\\\").replace("'", "\\'");
  }
}
