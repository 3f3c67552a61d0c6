package io.scriptorium.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.scriptorium.model.Task;
import io.scriptorium.model.TaskSpec;
import io.scriptorium.testing.SparkTest;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** Two runs over disjoint collections at the same time both commit: their MERGEs touch disjoint partitions. */
@SparkTest
class ConcurrentRunsTest {
  private final SparkSession spark = SparkTestSession.get();

  @Test
  void runsOnDisjointPartitionsCommitConcurrently() throws Exception {
    String warehouse = SparkTestSession.newDirectory("warehouse-concurrent-").toUri().toString();
    Scriptorium.get(spark).open(warehouse);
    Path letters = SparkTestSession.newDirectory("letters-");
    Path maps = SparkTestSession.newDirectory("maps-");
    for (int i = 1; i <= 4; i++) {
      TestPages.write(letters, "letter-" + i + ".png", "letter " + i);
      TestPages.write(maps, "map-" + i + ".png", "map " + i);
    }
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      CompletableFuture<RunSummary> a = CompletableFuture.supplyAsync(() -> digitize(letters, warehouse, "letters"), pool);
      CompletableFuture<RunSummary> b = CompletableFuture.supplyAsync(() -> digitize(maps, warehouse, "maps"), pool);
      assertThat(a.get().pagesOk()).isEqualTo(4);
      assertThat(b.get().pagesOk()).isEqualTo(4);
    } finally {
      pool.shutdownNow();
    }
    assertThat(Scriptorium.get(spark).sql(warehouse,
        "SELECT collection, count(*) FROM scriptorium.pages GROUP BY collection ORDER BY collection").collectAsList()
        .toString()).isEqualTo("[[letters,4], [maps,4]]");
    assertThat(Scriptorium.get(spark).sql(warehouse,
        "SELECT count(*) FROM scriptorium.runs WHERE status = 'succeeded'").first().getLong(0)).isEqualTo(2);
  }

  private RunSummary digitize(Path input, String warehouse, String collection) {
    return Scriptorium.get(spark).digitize(new DigitizeOptions(List.of(input.toUri().toString()), null, null, warehouse,
        collection, LocalDate.of(2026, 11, 25), List.of(TaskSpec.of(Task.SPOTTING)), null));
  }
}
