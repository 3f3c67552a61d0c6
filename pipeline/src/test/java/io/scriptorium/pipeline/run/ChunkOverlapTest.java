package io.scriptorium.pipeline.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.scriptorium.model.Task;
import io.scriptorium.model.TaskSpec;
import io.scriptorium.pipeline.DigitizeOptions;
import io.scriptorium.pipeline.RunSummary;
import io.scriptorium.pipeline.Scriptorium;
import io.scriptorium.pipeline.ScriptoriumConf;
import io.scriptorium.pipeline.SparkTestSession;
import io.scriptorium.pipeline.TestPages;
import io.scriptorium.pipeline.infer.ChunkInference;
import io.scriptorium.testing.SparkTest;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** A chunk commits while the next chunk infers, and every page is still inferred and recorded exactly once. */
@SparkTest
class ChunkOverlapTest {
  private final SparkSession spark = SparkTestSession.get();

  /** A Spark job as the listener saw it: its pool, description and start/end times on the listener bus. */
  private record Job(String pool, String description, long start, long end) {
    boolean overlaps(Job other) {
      return start < other.end && other.start < end;
    }
  }

  @Test
  void chunkCommitsRunBesideTheNextChunksInferenceAndEveryPageIsRecordedOnce() throws Exception {
    Path input = SparkTestSession.newDirectory("overlap-");
    for (int i = 1; i <= 8; i++) {
      TestPages.write(input, "page-" + i + ".png", "overlap page " + i);
    }
    String warehouse = SparkTestSession.newDirectory("warehouse-overlap-").toUri().toString();
    Map<Integer, Job> jobs = new ConcurrentHashMap<>();
    SparkListener listener = new SparkListener() {
      @Override
      public void onJobStart(SparkListenerJobStart start) {
        jobs.put(start.jobId(), new Job(start.properties().getProperty("spark.scheduler.pool", "default"),
            String.valueOf(start.properties().getProperty(ChunkInference.JOB_DESCRIPTION)), System.nanoTime(),
            Long.MAX_VALUE));
      }

      @Override
      public void onJobEnd(SparkListenerJobEnd end) {
        jobs.computeIfPresent(end.jobId(), (id, job) -> new Job(job.pool(), job.description(), job.start(),
            System.nanoTime()));
      }
    };
    spark.conf().set(ScriptoriumConf.CHUNK_PAGES, "2");
    spark.sparkContext().addSparkListener(listener);
    RunSummary run;
    try {
      run = Scriptorium.get(spark).digitize(new DigitizeOptions(List.of(input.toUri().toString()), null, null,
          warehouse, "overlap", LocalDate.of(2026, 12, 5), List.of(TaskSpec.of(Task.SPOTTING)), null));
    } finally {
      spark.sparkContext().removeSparkListener(listener);
      spark.conf().unset(ScriptoriumConf.CHUNK_PAGES);
    }
    assertThat(spark.sparkContext().getConf().get("spark.scheduler.mode")).isEqualTo("FAIR");

    // exactly once
    assertThat(run.pagesOk()).isEqualTo(8);
    assertThat(run.outputs()).isEqualTo(8);
    assertThat(count(warehouse, "SELECT count(*) FROM scriptorium.raw_outputs")).isEqualTo(8);
    assertThat(count(warehouse, "SELECT count(DISTINCT page_id) FROM scriptorium.pages WHERE status = 'ok'"))
        .isEqualTo(8);
    long chunks = count(warehouse, "SELECT chunks_committed FROM scriptorium.runs WHERE run_id = '" + run.runId() + "'");
    assertThat(chunks).isGreaterThanOrEqualTo(2);

    // overlap: some commit job (its own pool) ran while an inference job of a later chunk ran
    List<Job> commits = jobs.values().stream().filter(j -> j.pool().equals(ChunkCommitter.POOL)).toList();
    List<Job> inference = jobs.values().stream()
        .filter(j -> j.description().contains(run.runId()) && j.description().contains(": infer")).toList();
    assertThat(commits).as("commit jobs run in the committer's pool").isNotEmpty();
    assertThat(inference).hasSizeGreaterThanOrEqualTo((int) chunks);
    assertThat(commits.stream().anyMatch(c -> inference.stream().anyMatch(c::overlaps)))
        .as("a chunk's commit ran beside the next chunk's inference").isTrue();
  }

  private long count(String warehouse, String sql) {
    return Scriptorium.get(spark).sql(warehouse, sql).first().getLong(0);
  }
}
