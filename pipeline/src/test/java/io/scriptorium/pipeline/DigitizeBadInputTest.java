package io.scriptorium.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.scriptorium.model.OcrRuntime;
import io.scriptorium.model.Prompt;
import io.scriptorium.model.RuntimeConfig;
import io.scriptorium.model.Task;
import io.scriptorium.model.TaskSpec;
import io.scriptorium.pipeline.pages.BadInputCorpus;
import io.scriptorium.pipeline.vocab.PageStatus;
import io.scriptorium.pipeline.vocab.RunState;
import io.scriptorium.testing.SparkTest;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every kind of bad input becomes a failed {@code pages} row with its class and a message naming the file,
 * the good pages get their model outputs, the run ends normally, and the model loads once per JVM.
 */
@SparkTest
class DigitizeBadInputTest {
  private static final List<TaskSpec> TASKS = List.of(TaskSpec.of(Task.SPOTTING), TaskSpec.of(Task.PARSE));

  private final SparkSession spark = SparkTestSession.get();

  @BeforeEach
  void smallPartitions() {
    spark.conf().set(ScriptoriumConf.PAGES_PER_PARTITION, "3"); // many partitions and tasks, one model
  }

  @AfterEach
  void restore() {
    spark.conf().unset(ScriptoriumConf.PAGES_PER_PARTITION);
  }

  @Test
  void badInputIsRecordedAndGoodPagesAreRead() throws Exception {
    Path corpus = SparkTestSession.newDirectory("corpus-");
    List<BadInputCorpus.Expected> expected = BadInputCorpus.write(corpus);
    String warehouse = SparkTestSession.newDirectory("warehouse-bad-").toUri().toString();
    int loadsBefore = OcrRuntime.loadCount();

    RunSummary run = digitize(corpus, warehouse, "corpus");

    int expectedPages = expected.stream().mapToInt(BadInputCorpus.Expected::pages).sum();
    assertThat(run.pagesTotal()).isEqualTo(expectedPages);
    assertThat(run.inputFiles()).isEqualTo(expected.size());
    assertThat(run.accountedFor()).isTrue();
    assertThat(run.pagesFailed()).isEqualTo(expected.stream().filter(e -> !e.ok()).count());

    Map<String, List<Row>> pagesByFile = Scriptorium.get(spark)
        .sql(warehouse, "SELECT source_uri, page_no, status, error_class, error_message, width, height, content_sha256"
            + " FROM scriptorium.pages WHERE run_id = '" + run.runId() + "'")
        .collectAsList().stream()
        .collect(Collectors.groupingBy(row -> Path.of(java.net.URI.create(row.getString(0))).getFileName().toString()));
    for (BadInputCorpus.Expected file : expected) {
      List<Row> rows = pagesByFile.get(file.fileName());
      assertThat(rows).as(file.fileName()).hasSize(file.pages());
      for (Row row : rows) {
        if (file.ok()) {
          assertThat(row.getString(2)).as(file.fileName() + " " + row.getString(4)).isEqualTo(PageStatus.OK.wireName());
          assertThat(row.getInt(5)).as(file.fileName()).isPositive();
          assertThat(row.getString(7)).as(file.fileName()).hasSize(64);
        } else {
          assertThat(row.getString(2)).as(file.fileName()).isEqualTo(PageStatus.FAILED.wireName());
          assertThat(row.getString(3)).as(file.fileName()).isEqualTo(file.errorClass().wireName());
          assertThat(row.getString(4)).as(file.fileName()).contains(file.fileName());
        }
      }
    }

    RuntimeConfig runtime = new ScriptoriumConf(spark.conf()).runtimeConfig(null);
    Map<String, String> promptShaByTask = OcrRuntime.prompts(runtime, TASKS).stream()
        .collect(Collectors.toMap(p -> p.task().name().toLowerCase(java.util.Locale.ROOT), Prompt::sha256));
    List<Row> outputs = Scriptorium.get(spark)
        .sql(warehouse, "SELECT o.task, o.prompt_sha256, o.finish_reason, o.model_revision, o.output_tokens"
            + " FROM scriptorium.raw_outputs o WHERE o.run_id = '" + run.runId() + "'")
        .collectAsList();
    assertThat(outputs).hasSize((int) (run.pagesOk() - run.pagesDeduplicated()) * TASKS.size());
    String revision = OcrRuntime.describe(runtime).revision();
    for (Row output : outputs) {
      assertThat(output.getString(1)).isEqualTo(promptShaByTask.get(output.getString(0)));
      assertThat(output.getString(2)).isIn("stop", "length", "repetition");
      assertThat(output.getString(3)).isEqualTo(revision);
    }

    Row runRow = Scriptorium.get(spark)
        .sql(warehouse, "SELECT status, pages_total, pages_ok, pages_failed, ended_at FROM scriptorium.runs WHERE run_id = '"
            + run.runId() + "'").first();
    assertThat(runRow.getString(0)).isEqualTo(RunState.SUCCEEDED.wireName());
    assertThat(runRow.getLong(1)).isEqualTo(expectedPages);
    assertThat(runRow.getLong(2) + runRow.getLong(3)).isEqualTo(expectedPages);
    assertThat(runRow.get(4)).isNotNull();

    // The model loaded at most once for all those partitions and tasks, and a second job reuses it.
    int loadsAfterFirst = OcrRuntime.loadCount();
    assertThat(loadsAfterFirst - loadsBefore).isLessThanOrEqualTo(1);
    digitize(corpus, warehouse, "corpus-again");
    assertThat(OcrRuntime.loadCount()).isEqualTo(loadsAfterFirst);
  }

  private RunSummary digitize(Path input, String warehouse, String collection) {
    return Scriptorium.get(spark).digitize(new DigitizeOptions(List.of(input.toUri().toString()), null, null, warehouse,
        collection, LocalDate.of(2026, 11, 25), TASKS, null));
  }
}
