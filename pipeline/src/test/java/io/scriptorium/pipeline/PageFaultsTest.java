package io.scriptorium.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.scriptorium.model.Task;
import io.scriptorium.model.TaskSpec;
import io.scriptorium.pipeline.vocab.ErrorClass;
import io.scriptorium.pipeline.vocab.PageStatus;
import io.scriptorium.pipeline.vocab.RunState;
import io.scriptorium.testing.SparkTest;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A page cannot kill the night, on local Spark with the tiny model and real files read through
 * {@link FaultyFileSystem}: a page whose reading throws an Error and a page whose reading hangs each become their own failed row
 * ({@code unexpected_error}, {@code timeout}) while the pages sharing their tasks are read and the run succeeds; a
 * later run retries them, and at {@code maxAttempts} they are quarantined.
 */
@SparkTest
class PageFaultsTest {
  private static final List<TaskSpec> TASKS = List.of(TaskSpec.of(Task.SPOTTING));

  private final SparkSession spark = SparkTestSession.get();
  private final Configuration hadoop = spark.sparkContext().hadoopConfiguration();

  @BeforeEach
  void faultyFileSystem() {
    hadoop.set("fs.faulty.impl", FaultyFileSystem.class.getName());
    hadoop.setBoolean("fs.faulty.impl.disable.cache", true);
    spark.conf().set(ScriptoriumConf.PAGE_READ_TIMEOUT_SECONDS, "2");
    spark.conf().set(ScriptoriumConf.MAX_ATTEMPTS, "2");
    spark.conf().set(ScriptoriumConf.PAGES_PER_PARTITION, "2"); // each bad page shares its task with a good one
  }

  @AfterEach
  void restore() {
    hadoop.unset("fs.faulty.impl");
    hadoop.unset("fs.faulty.impl.disable.cache");
    spark.conf().unset(ScriptoriumConf.PAGE_READ_TIMEOUT_SECONDS);
    spark.conf().unset(ScriptoriumConf.MAX_ATTEMPTS);
    spark.conf().unset(ScriptoriumConf.PAGES_PER_PARTITION);
  }

  @Test
  void pagesThatThrowOrHangBecomeFailedRowsAndAreQuarantinedAtMaxAttempts() throws Exception {
    Path input = SparkTestSession.newDirectory("faulty-pages-");
    TestPages.write(input, "a-good.png", "A good page");
    TestPages.write(input, "b-throws.png", "A page whose reading throws");
    TestPages.write(input, "c-hangs.png", "A page whose reading hangs");
    TestPages.write(input, "d-good.png", "Another good page");
    String warehouse = SparkTestSession.newDirectory("warehouse-faulty-").toUri().toString();

    RunSummary first = digitize(input, warehouse, LocalDate.of(2026, 12, 1));
    assertThat(first.state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(List.of(first.pagesTotal(), first.pagesOk(), first.pagesFailed())).containsExactly(4L, 2L, 2L);
    Map<String, Row> pages = pages(warehouse, first.runId());
    assertThat(pages.get("a-good.png").getString(1)).isEqualTo(PageStatus.OK.wireName());
    assertThat(pages.get("d-good.png").getString(1)).isEqualTo(PageStatus.OK.wireName());
    assertFailed(pages.get("b-throws.png"), PageStatus.FAILED, ErrorClass.UNEXPECTED_ERROR, 1)
        .contains("b-throws.png page 1", "java.lang.OutOfMemoryError", "simulated by FaultyFileSystem");
    assertFailed(pages.get("c-hangs.png"), PageStatus.FAILED, ErrorClass.TIMEOUT, 1)
        .contains("c-hangs.png page 1", ScriptoriumConf.PAGE_READ_TIMEOUT_SECONDS);

    // Both failures are transient: the next run tries them again, and at maxAttempts (2) quarantines them.
    RunSummary second = digitize(input, warehouse, LocalDate.of(2026, 12, 2));
    assertThat(second.state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(List.of(second.pagesSkipped(), second.pagesFailed())).as("skipped, failed").containsExactly(2L, 2L);
    pages = pages(warehouse, second.runId());
    assertThat(pages).containsOnlyKeys("b-throws.png", "c-hangs.png");
    assertFailed(pages.get("b-throws.png"), PageStatus.QUARANTINED, ErrorClass.UNEXPECTED_ERROR, 2);
    assertFailed(pages.get("c-hangs.png"), PageStatus.QUARANTINED, ErrorClass.TIMEOUT, 2);
  }

  private static org.assertj.core.api.AbstractStringAssert<?> assertFailed(Row page, PageStatus status,
      ErrorClass errorClass, int attempts) {
    assertThat(List.of(page.getString(1), page.getString(2), page.getInt(4)))
        .as("status, error_class, attempts of %s", page.getString(0))
        .containsExactly(status.wireName(), errorClass.wireName(), attempts);
    return assertThat(page.getString(3));
  }

  /** The run's pages rows by file name: name, status, error_class, error_message, attempts. */
  private Map<String, Row> pages(String warehouse, String runId) {
    return Scriptorium.get(spark).sql(warehouse, "SELECT regexp_extract(source_uri, '[^/]+$', 0), status, error_class,"
            + " error_message, attempts FROM scriptorium.pages WHERE run_id = '" + runId + "'")
        .collectAsList().stream()
        .collect(Collectors.toMap(row -> row.getString(0), row -> row));
  }

  private RunSummary digitize(Path input, String warehouse, LocalDate batchDate) {
    return Scriptorium.get(spark).digitize(new DigitizeOptions(List.of(FaultyFileSystem.uri(input)), null, null,
        warehouse, "faults", batchDate, TASKS, null));
  }
}
