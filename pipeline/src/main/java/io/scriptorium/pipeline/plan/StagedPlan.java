package io.scriptorium.pipeline.plan;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.scriptorium.pipeline.PlanningProbe;
import io.scriptorium.pipeline.run.DigitizeJob;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Observation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;

/**
 * A run's plan, written once to its staging directory (planning reads new files and hashes their pages; staging its
 * result makes sure that happens once), with its pages counted by action and its files counted while it is written.
 *
 * <p>Only the rows the run needs are staged: pages with something to do, and every page of a file the run opened (the
 * end-of-run check compares those with {@code pages}). The pages of unchanged files with nothing to do are counted as
 * skipped and never written, so a nightly run stages what changed, not the archive. {@link DigitizeJob} and
 * {@link PlanningProbe} both plan through {@link #stage}.
 */
public final class StagedPlan {
  private static final List<String> ACTIONS = List.of(PagePlanner.INFER, PagePlanner.DEDUPLICATED,
      PagePlanner.RECOVERED, PagePlanner.FAIL, PagePlanner.SKIP);
  private static final String FILES = "files";

  private final Dataset<Row> rows;
  private final Map<String, Long> actions;
  private final long files;

  private StagedPlan(Dataset<Row> rows, Map<String, Long> actions, long files) {
    this.rows = rows;
    this.actions = actions;
    this.files = files;
  }

  /**
   * Writes {@code plan} (the columns of {@link PagePlanner#PLAN_SCHEMA}, {@link PagePlanner#OPENED} and {@link
   * PagePlanner#FIRST_OF_FILE}) as Parquet at {@code path} and reads the staged rows back, cached.
   */
  public static StagedPlan stage(SparkSession spark, Dataset<Row> plan, String path) {
    Observation observation = new Observation("scriptorium-plan");
    Column[] counts = ACTIONS.stream().map(a -> count(col("action").equalTo(a)).as(a)).toArray(Column[]::new);
    // Observed in the write's own tasks (after the last shuffle), so each row is counted once whatever is retried.
    plan.observe(observation, count(col(PagePlanner.FIRST_OF_FILE)).as(FILES), counts)
        .where(col("action").notEqual(PagePlanner.SKIP).or(col(PagePlanner.OPENED)))
        .select(Arrays.stream(PagePlanner.PLAN_SCHEMA.fieldNames()).map(functions::col).toArray(Column[]::new))
        .write().mode("overwrite").parquet(path);
    Map<String, Object> observed;
    try {
      observed = observation.getAsJava();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while counting the plan", e);
    }
    Map<String, Long> actions = new LinkedHashMap<>();
    for (String action : ACTIONS) {
      long n = ((Number) observed.get(action)).longValue();
      if (n > 0) {
        actions.put(action, n);
      }
    }
    Dataset<Row> rows = spark.read().schema(PagePlanner.PLAN_SCHEMA).parquet(path)
        .persist(StorageLevel.MEMORY_AND_DISK());
    return new StagedPlan(rows, actions, ((Number) observed.get(FILES)).longValue());
  }

  private static Column count(Column condition) {
    return functions.coalesce(sum(when(condition, lit(1L)).otherwise(lit(0L))), lit(0L));
  }

  /** The staged rows (cached): every page with something to do and every page of a file the run opened. */
  public Dataset<Row> rows() {
    return rows;
  }

  /** Pages planned per action, actions without pages left out. */
  public Map<String, Long> actions() {
    return actions;
  }

  /** Pages found in the input. */
  public long pages() {
    return actions.values().stream().mapToLong(Long::longValue).sum();
  }

  public long skipped() {
    return actions.getOrDefault(PagePlanner.SKIP, 0L);
  }

  /** Files listed as input (that have pages: a file that cannot be opened is one failed page). */
  public long files() {
    return files;
  }
}
