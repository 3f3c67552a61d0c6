package io.scriptorium.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scriptorium.testing.UnitTest;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The runtime's counters and gauges after real work with the tiny model: they add up to what the results say. */
@UnitTest
class RuntimeStatsTest {

  private static PreparedImage page(OcrRuntime rt, int seed) {
    BufferedImage image = new BufferedImage(200 + seed * 10, 160, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        image.setRGB(x, y, ((x * (5 + seed)) ^ (y * 11)) & 0xffffff);
      }
    }
    return rt.prepare(image);
  }

  @Test
  void countersAddUpToTheResultsOfTwoImages() throws Exception {
    int loads = OcrRuntime.loadCount();
    RuntimeConfig config = TestBundles.tinyConfig().withMaxBatchSize(4).withMaxNewTokens(Task.TEXT, 12)
        .withMaxNewTokens(Task.PARSE, 16);
    try (OcrRuntime rt = OcrRuntime.open(config)) {
      assertThat(OcrRuntime.loadCount()).as("model loads").isEqualTo(loads + 1);
      RuntimeStats fresh = rt.stats();
      assertThat(fresh.steps()).isZero();
      assertThat(fresh.generatedTokens()).isZero();
      assertThat(fresh.batchSlots()).isEqualTo(4);
      assertThat(fresh.kvTokenCapacity()).as("every slot, the staging one included")
          .isEqualTo(5L * fresh.slotTokens());

      // the hook runs on the scheduler thread inside a decode step: a snapshot there sees a running batch
      AtomicReference<RuntimeStats> midway = new AtomicReference<>();
      rt.setLogitsHook((image, prompt, index, logits) -> {
        if (index == 3) {
          midway.compareAndSet(null, rt.stats());
        }
      });
      List<CompletableFuture<OcrResult>> futures = new ArrayList<>(rt.submitAll(page(rt, 1),
          List.of(rt.prompt(TaskSpec.of(Task.TEXT)), rt.prompt(TaskSpec.of(Task.PARSE)))));
      futures.addAll(rt.submitAll(page(rt, 2), List.of(rt.prompt(TaskSpec.of(Task.TEXT)))));
      List<OcrResult> results = new ArrayList<>();
      for (CompletableFuture<OcrResult> f : futures) {
        results.add(f.get(1, TimeUnit.MINUTES));
      }
      RuntimeStats stats = settled(rt);

      assertThat(stats.steps()).isPositive();
      assertThat(stats.decodeStepNanos()).isPositive();
      assertThat(stats.prefillTokens()).as("every prompt token prefilled once")
          .isEqualTo(results.stream().mapToLong(OcrResult::promptTokens).sum());
      long stops = results.stream().filter(r -> r.finishReason() == FinishReason.STOP).count();
      assertThat(stats.generatedTokens()).as("output ids, plus each stop id (generated, not kept)")
          .isEqualTo(results.stream().mapToLong(OcrResult::outputTokens).sum() + stops);
      for (FinishReason reason : FinishReason.values()) {
        assertThat(stats.finished(reason)).as(reason.name())
            .isEqualTo(results.stream().filter(r -> r.finishReason() == reason).count());
      }
      assertThat(stats.visionEncodes()).as("one encode per image, shared by its prompts").isEqualTo(2);
      assertThat(stats.visionNanos()).isPositive();
      assertThat(stats.queueWaits()).isEqualTo(3);
      assertThat(stats.queueWaitNanos()).isPositive();
      assertThat(stats.failedRequests()).isZero();
      assertThat(stats.imagesInFlight()).isZero();
      assertThat(stats.running()).isZero();
      assertThat(stats.queued()).isZero();
      assertThat(stats.kvTokens()).as("nothing left in the cache").isZero();

      RuntimeStats during = midway.get();
      assertThat(during).isNotNull();
      assertThat(during.running()).isBetween(1, 4);
      assertThat(during.imagesInFlight()).isBetween(1, 2);
      assertThat(during.kvTokens()).isPositive().isLessThanOrEqualTo(during.kvTokenCapacity());
    }
  }

  @Test
  void aFailedRequestIsCountedAndTheOthersFinish() throws Exception {
    try (OcrRuntime rt = OcrRuntime.open(TestBundles.tinyConfig().withMaxNewTokens(Task.TEXT, 8))) {
      PreparedImage good = page(rt, 3);
      // patches of 700 values instead of 768: the vision encoder throws for this image only
      PreparedImage odd = new PreparedImage(good.originalWidth(), good.originalHeight(), good.resizedWidth(),
          good.resizedHeight(), good.gridH(), good.gridW(), 0, new float[good.gridH() * good.gridW() * 700],
          good.preprocessingKey());
      Prompt text = rt.prompt(TaskSpec.of(Task.TEXT));
      CompletableFuture<OcrResult> bad = rt.submit(odd, text);
      OcrResult ok = rt.submit(good, text).get(1, TimeUnit.MINUTES);
      assertThatThrownBy(() -> bad.get(1, TimeUnit.MINUTES)).hasCauseInstanceOf(ai.djl.engine.EngineException.class);

      RuntimeStats stats = settled(rt);
      assertThat(stats.failedRequests()).isEqualTo(1);
      assertThat(stats.visionEncodes()).as("the failed encode ran too").isEqualTo(2);
      assertThat(stats.queueWaits()).as("only the good request reached prefill").isEqualTo(1);
      assertThat(stats.finished(ok.finishReason())).isEqualTo(1);
      assertThat(stats.imagesInFlight()).isZero();
    }
  }

  /** The stats once the completion callbacks that follow the last future have run. */
  private static RuntimeStats settled(OcrRuntime rt) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    RuntimeStats stats = rt.stats();
    while ((stats.imagesInFlight() > 0 || stats.running() > 0 || stats.queued() > 0)
        && System.nanoTime() < deadline) {
      Thread.sleep(5);
      stats = rt.stats();
    }
    return stats;
  }
}
