package io.scriptorium.pipeline.infer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scriptorium.model.BundleException;
import io.scriptorium.model.ModelInfo;
import io.scriptorium.model.OcrRuntime;
import io.scriptorium.model.RuntimeConfig;
import io.scriptorium.pipeline.ScriptoriumConf;
import io.scriptorium.pipeline.SparkTestSession;
import io.scriptorium.pipeline.plan.PagePlanner;
import io.scriptorium.pipeline.vocab.ErrorClass;
import io.scriptorium.pipeline.vocab.PageStatus;
import io.scriptorium.testing.SparkTest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.SerializableConfiguration;
import org.junit.jupiter.api.Test;
import scala.jdk.javaapi.CollectionConverters;

/**
 * ChunkInference's splitting on local Spark, where a task that throws fails its job at once ({@code local[2]} tries a
 * task once): the inference here records every page ok without a model, and fails the task of a partition holding a
 * poisoned page, as an executor dying under that page would. Exercised with real executor deaths by the jobs module's
 * ExecutorLossIT.
 */
@SparkTest
class ChunkInferenceTest {
  private static final List<String> FILES = List.of("a", "b", "c", "d", "e-poison", "f", "g", "h");

  private final SparkSession spark = SparkTestSession.get();
  private final RuntimeConfig runtime = new ScriptoriumConf(spark.conf()).runtimeConfig(null);
  private final ModelInfo model = OcrRuntime.describe(runtime);
  private final PartitionInference.Settings settings = new PartitionInference.Settings(runtime, List.of(),
      new ScriptoriumConf(spark.conf()).pageOptions(), 1, "run-chunk-test", 2, Duration.ofMinutes(1),
      Duration.ofMinutes(1), new SerializableConfiguration(spark.sparkContext().hadoopConfiguration()),
      spark.sparkContext().longAccumulator(), spark.sparkContext().longAccumulator());

  /** Every page ok, except that a partition holding a page whose name contains {@code poison} throws. */
  private static final class PoisonedInference implements MapPartitionsFunction<Row, Row> {
    private final PartitionInference.Settings settings;
    private final ModelInfo model;
    private final String poison;
    private final boolean modelMissing;

    PoisonedInference(PartitionInference.Settings settings, ModelInfo model, String poison, boolean modelMissing) {
      this.settings = settings;
      this.model = model;
      this.poison = poison;
      this.modelMissing = modelMissing;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> pages) {
      if (modelMissing) {
        throw new BundleException("bundle /nowhere has no manifest.json");
      }
      PartitionInference.ResultRows results =
          new PartitionInference.ResultRows(settings.runId(), "test", model, settings.maxAttempts());
      List<Row> rows = new ArrayList<>();
      while (pages.hasNext()) {
        Row page = pages.next();
        if (page.<String>getAs("source_uri").contains(poison)) {
          throw new IllegalStateException("poisoned by " + page.getAs("source_uri"));
        }
        rows.add(results.succeeded(page, null, 0, List.of(), List.of()));
      }
      return rows.iterator();
    }
  }

  @Test
  void aPageWhoseTaskKeepsFailingCostsOnlyItself() throws Exception {
    Path staging = SparkTestSession.newDirectory("chunk-staging-").resolve("chunk");
    chunk(new PoisonedInference(settings, model, "poison", false)).run(plan(), FILES.size(), staging.toUri().toString(),
        "chunk 1/1");

    Map<String, Row> results = results(staging);
    assertThat(results).containsOnlyKeys(FILES.stream().map(f -> "file:" + folder() + f + ".png").toList());
    Row poisoned = results.remove("file:" + folder() + "e-poison.png");
    assertThat(results.values()).extracting(r -> r.getAs("status")).containsOnly(PageStatus.OK.wireName());
    // its task failed without losing an executor; it had failed once before, so with maxAttempts 2 it is quarantined
    assertThat(List.of(poisoned.getAs("status"), poisoned.getAs("error_class"), poisoned.getAs("attempts")))
        .containsExactly(PageStatus.QUARANTINED.wireName(), ErrorClass.UNEXPECTED_ERROR.wireName(), 2);
    assertThat(poisoned.<String>getAs("error_message"))
        .contains("e-poison.png page 1: its Spark task failed every time, even alone", "poisoned by");
    assertThat(staging.resolveSibling("chunk-pieces")).as("gathered into the staging directory").doesNotExist();
    assertThat(spark.sparkContext().getLocalProperty(ChunkInference.JOB_DESCRIPTION)).as("restored").isNull();
  }

  @Test
  void aChunkWhosePiecesAllFailIsASystemicFault() {
    String staging = SparkTestSession.newDirectory("chunk-systemic-").resolve("chunk").toUri().toString();
    assertThatThrownBy(() -> chunk(new PoisonedInference(settings, model, "", false))
            .run(plan(), FILES.size(), staging, "chunk 1/1"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("run-chunk-test chunk 1/1: inference failed on the whole chunk and on every piece")
        .hasCauseInstanceOf(SparkException.class);
  }

  @Test
  void aModelThatCannotLoadFailsTheRunWithoutSplitting() {
    String staging = SparkTestSession.newDirectory("chunk-bundle-").resolve("chunk").toUri().toString();
    assertThatThrownBy(() -> chunk(new PoisonedInference(settings, model, "poison", true))
            .run(plan(), FILES.size(), staging, "chunk 1/1"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("run-chunk-test chunk 1/1: infer 8 pages: the job failed")
        .hasStackTraceContaining("bundle /nowhere has no manifest.json");
  }

  private ChunkInference chunk(MapPartitionsFunction<Row, Row> inference) {
    return new ChunkInference(spark, inference, settings, model, new InferenceStage(1, 1, null));
  }

  private static String folder() {
    return "/archive/chunk-test/";
  }

  /** Plan rows of one page per file, to infer; the poisoned one failed once before. */
  private Dataset<Row> plan() {
    List<Row> rows = new ArrayList<>();
    for (String file : FILES) {
      Map<String, Object> values = Map.of("source_uri", "file:" + folder() + file + ".png", "page_no", 1,
          "format", "png", "attempts", file.contains("poison") ? 1 : 0,
          "tasks", CollectionConverters.asScala(List.<String>of()), "action", PagePlanner.INFER);
      rows.add(RowFactory.create(java.util.Arrays.stream(PagePlanner.PLAN_SCHEMA.fieldNames())
          .map(values::get).toArray()));
    }
    return spark.createDataFrame(rows, PagePlanner.PLAN_SCHEMA);
  }

  private Map<String, Row> results(Path staging) {
    return spark.read().schema(PartitionInference.RESULT_SCHEMA).parquet(staging.toUri().toString()).collectAsList()
        .stream().collect(Collectors.toMap(r -> r.getAs("source_uri"), Function.identity()));
  }
}
