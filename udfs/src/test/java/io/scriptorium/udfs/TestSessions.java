package io.scriptorium.udfs;

import io.scriptorium.pipeline.SparkTestSession;
import org.apache.spark.sql.SparkSession;

/**
 * The test JVM's one session, started with Scriptorium's SQL extension beside Delta's, so the functions reach SQL
 * the way users get them: through {@code spark.sql.extensions}. {@link SparkTestSession} then finds this session
 * and adds its scratch directories.
 */
final class TestSessions {
  static final String EXTENSIONS = "io.delta.sql.DeltaSparkSessionExtension,io.scriptorium.udfs.ScriptoriumSqlExtensions";

  private static SparkSession spark;

  private TestSessions() {}

  static synchronized SparkSession get() {
    if (spark == null) {
      SparkSession.builder()
          .master("local[2]")
          .appName("scriptorium-udfs-tests")
          .config("spark.sql.extensions", EXTENSIONS)
          .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
          .config("spark.ui.enabled", "false")
          .config("spark.driver.host", "127.0.0.1")
          .config("spark.sql.shuffle.partitions", "2")
          .config("spark.databricks.delta.snapshotPartitions", "2")
          .getOrCreate();
      spark = SparkTestSession.get();
    }
    return spark;
  }
}
