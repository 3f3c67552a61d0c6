package io.scriptorium.pipeline;

import io.scriptorium.model.Task;
import io.scriptorium.model.TaskSpec;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/** A separate driver process for {@link ResumeAfterKillTest}: {@code INPUT WAREHOUSE CHUNK_PAGES}. */
public final class DigitizeMain {
  private DigitizeMain() {}

  public static void main(String[] args) {
    SparkSession spark = Scriptorium.configure(SparkSession.builder())
        .master("local[2]")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.databricks.delta.snapshotPartitions", "2")
        .config(ScriptoriumConf.CHUNK_PAGES, args[2])
        .config(ScriptoriumConf.PAGES_PER_PARTITION, "2")
        .getOrCreate();
    Scriptorium.get(spark).digitize(new DigitizeOptions(List.of(args[0]), null, null, args[1], "resume",
        LocalDate.of(2026, 11, 25), List.of(TaskSpec.of(Task.SPOTTING)), null));
    spark.stop();
  }
}
