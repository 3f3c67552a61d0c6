package io.scriptorium.bench;

import io.scriptorium.pipeline.Scriptorium;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;

/** What every benchmark group gets: mode, directories, the figures, and one local Spark session made on demand. */
public final class BenchContext {
  private final boolean quick;
  private final Path data;
  private final Path work;
  private final Path repo;
  private final Figures figures;
  private final PrintStream log;
  private SparkSession spark;

  public BenchContext(boolean quick, Path data, Path work, Path repo, Figures figures, PrintStream log) {
    this.quick = quick;
    this.data = data;
    this.work = work;
    this.repo = repo;
    this.figures = figures;
    this.log = log;
  }

  /** Small sizes that finish in about a minute (smoke tests); the figures then mean little. */
  public boolean quick() {
    return quick;
  }

  /** The shared ground-truth data ({@code ../shared/data}), or null when it is not there. */
  public Path data() {
    return data;
  }

  /** The repository root (for scripts), or null when unknown. */
  public Path repo() {
    return repo;
  }

  public Figures figures() {
    return figures;
  }

  /** A fresh scratch directory under the work directory. */
  public Path scratch(String name) {
    try {
      return Files.createDirectories(work.resolve(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public void log(String format, Object... args) {
    log.printf("bench: " + format + "%n", args);
    log.flush();
  }

  /**
   * The session: {@code local[2]} (the reference setup) unless {@code spark.master} is set, with the settings
   * {@code bin/scriptorium} uses; created on first use, so groups without Spark don't pay for it.
   */
  public synchronized SparkSession spark() {
    if (spark == null) {
      SparkSession.Builder builder = Scriptorium.configure(SparkSession.builder().appName("scriptorium bench"))
          .config("spark.ui.enabled", "false")
          .config("spark.local.dir", scratch("spark-local").toString())
          .config("spark.sql.warehouse.dir", scratch("spark-warehouse").toString());
      if (System.getProperty("spark.master") == null && SparkSession.getActiveSession().isEmpty()) {
        builder.master("local[2]");
      }
      spark = builder.getOrCreate();
    }
    return spark;
  }

  /** The master the digitize figures ran under. */
  public String master() {
    return spark().sparkContext().master();
  }
}
