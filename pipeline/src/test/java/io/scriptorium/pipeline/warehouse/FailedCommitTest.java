package io.scriptorium.pipeline.warehouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scriptorium.model.Task;
import io.scriptorium.model.TaskSpec;
import io.scriptorium.pipeline.DigitizeOptions;
import io.scriptorium.pipeline.RunSummary;
import io.scriptorium.pipeline.Scriptorium;
import io.scriptorium.pipeline.ScriptoriumConf;
import io.scriptorium.pipeline.SparkTestSession;
import io.scriptorium.pipeline.TestPages;
import io.scriptorium.pipeline.infer.PartitionInference;
import io.scriptorium.pipeline.vocab.RunState;
import io.scriptorium.testing.SparkTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * A commit that fails fails the run with its cause; chunks inferred but not committed are kept, and the next run
 * commits them instead of inferring their pages again.
 */
@SparkTest
class FailedCommitTest {
  private static final int PAGES = 8;
  private final SparkSession spark = SparkTestSession.get();

  @Test
  void aFailedCommitFailsTheRunAndTheNextRunCommitsWhatItInferred() throws Exception {
    Path input = SparkTestSession.newDirectory("failed-commit-");
    for (int i = 1; i <= PAGES; i++) {
      TestPages.write(input, "page-" + i + ".png", "failed commit page " + i);
    }
    Path warehouseDir = SparkTestSession.newDirectory("warehouse-failed-commit-");
    String warehouse = warehouseDir.toUri().toString();
    Scriptorium.get(spark).sql(warehouse, "SELECT 1").collectAsList(); // creates the tables
    // Every pages row of an ok page violates this constraint: the chunk commits fail at their last MERGE.
    String pages = "delta.`" + new Warehouse(warehouse).location(Tables.PAGES) + "`";
    spark.sql("ALTER TABLE " + pages + " ADD CONSTRAINT no_ok_page CHECK (status <> 'ok')");

    spark.conf().set(ScriptoriumConf.CHUNK_PAGES, "2");
    try {
      assertThatThrownBy(() -> digitize(input, warehouse))
          .satisfies(e -> assertThat(chain(e)).contains("no_ok_page"));
      Row failed = Scriptorium.get(spark).sql(warehouse,
          "SELECT run_id, status, error FROM scriptorium.runs WHERE command = 'digitize'").first();
      assertThat(failed.getString(1)).isEqualTo(RunState.FAILED.wireName());
      assertThat(failed.getString(2)).contains("no_ok_page");
      String failedRun = failed.getString(0);

      Set<String> committed = contents(warehouse, "SELECT content_sha256 FROM scriptorium.raw_outputs");
      Path keptDir = warehouseDir.resolve(KeptResults.DIR);
      assertThat(keptDir).as("the inferred, uncommitted chunks are kept").isDirectory();
      Set<String> kept = new HashSet<>();
      for (Row row : spark.read().schema(PartitionInference.RESULT_SCHEMA).parquet(keptDir + "/*")
          .where("status = 'ok' AND size(outputs) > 0").select("content_sha256").collectAsList()) {
        kept.add(row.getString(0));
      }
      kept.removeAll(committed);
      assertThat(kept).as("a chunk inferred beside the failing commit was kept uncommitted").isNotEmpty();
      assertThat(Files.exists(warehouseDir.resolve("_staging").resolve(failedRun))).isFalse();

      spark.sql("ALTER TABLE " + pages + " DROP CONSTRAINT no_ok_page");
      RunSummary next = digitize(input, warehouse);
      assertThat(next.outputs()).as("kept pages are committed, not inferred again")
          .isEqualTo(PAGES - committed.size() - kept.size());
      assertThat(count(warehouse, "SELECT count(*) FROM scriptorium.raw_outputs")).isEqualTo(PAGES);
      assertThat(count(warehouse, "SELECT count(*) FROM scriptorium.pages WHERE status = 'ok'")).isEqualTo(PAGES);
      assertThat(contents(warehouse, "SELECT content_sha256 FROM scriptorium.raw_outputs WHERE run_id = '"
          + failedRun + "'")).as("the kept results keep the run that inferred them").containsAll(kept);
      try (Stream<Path> left = Files.list(keptDir)) {
        assertThat(left).as("committed kept chunks are deleted").isEmpty();
      }
    } finally {
      spark.conf().unset(ScriptoriumConf.CHUNK_PAGES);
    }
  }

  private RunSummary digitize(Path input, String warehouse) {
    return Scriptorium.get(spark).digitize(new DigitizeOptions(List.of(input.toUri().toString()), null, null,
        warehouse, "failed-commit", LocalDate.of(2026, 12, 5), List.of(TaskSpec.of(Task.SPOTTING)), null));
  }

  private static String chain(Throwable e) {
    StringBuilder all = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      all.append(t).append('\n');
    }
    return all.toString();
  }

  private Set<String> contents(String warehouse, String sql) {
    Set<String> out = new HashSet<>();
    Scriptorium.get(spark).sql(warehouse, sql).collectAsList().forEach(r -> out.add(r.getString(0)));
    return out;
  }

  private long count(String warehouse, String sql) {
    return Scriptorium.get(spark).sql(warehouse, sql).first().getLong(0);
  }
}
