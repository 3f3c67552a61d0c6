package io.scriptorium.pipeline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;

/**
 * One local Spark session per test JVM (Spark allows one per JVM, and starting one costs seconds),
 * with per-run scratch directories so tests leave nothing in the system temp dir.
 */
public final class SparkTestSession {
  private static SparkSession spark;
  private static Path scratch;

  private SparkTestSession() {}

  public static synchronized SparkSession get() {
    if (spark == null) {
      try {
        scratch = Files.createTempDirectory("scriptorium-test-");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      spark = Scriptorium.configure(SparkSession.builder())
          .master("local[2]")
          .appName("scriptorium-tests")
          .config("spark.ui.enabled", "false")
          .config("spark.driver.host", "127.0.0.1")
          .config("spark.sql.shuffle.partitions", "2")
          .config("spark.databricks.delta.snapshotPartitions", "2")
          .config("spark.local.dir", scratch.resolve("spark-local").toString())
          .config("spark.sql.warehouse.dir", scratch.resolve("spark-warehouse").toString())
          .config("spark.scriptorium.progress.intervalSeconds", "5")
          .getOrCreate();
    }
    return spark;
  }

  /** A fresh directory under this JVM's scratch directory. */
  public static Path newDirectory(String prefix) {
    get();
    try {
      return Files.createTempDirectory(scratch, prefix);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The shared test data set beside the repository ({@code ../shared/data}); skips the calling test without it. */
  public static Path sharedData() {
    return io.scriptorium.testing.SharedData.dir();
  }
}
