package io.scriptorium.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.scriptorium.testing.DataTest;
import io.scriptorium.testing.SharedData;
import io.scriptorium.testing.UnitTest;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * Nine page/prompt pairs submitted at different times, so they join the running batch and leave it at different steps
 * (different prompt lengths, so different cache widths; different max tokens per task; rows moving between KV slots
 * as others leave). Each must produce exactly the ids of its lone decode; the largest logits difference is printed.
 * Images are encoded on the vision thread while the batch keeps decoding (tens of steps on a busy machine), so
 * outputs are long enough to overlap.
 */
@UnitTest
@DataTest
class BatchInvarianceTest {
  private static final String[] PAGES = {
    "tesseract-testing/phototest.tif", "im2latex-sample/images/105ccc7946.png", "pubtabnet/images/PMC1626454_002_00.png"
  };

  private record Job(PreparedImage image, Prompt prompt) {}

  private record Key(PreparedImage image, Prompt prompt, int index) {}

  @Test
  void batchedDecodeEqualsLoneDecode() throws Exception {
    RuntimeConfig config = TestBundles.tinyConfig().withMaxBatchSize(4)
        .withMaxNewTokensOverride(Map.of("spotting", 150, "parse", 240, "formula", 160, "table", 170, "chart", 180,
            "text", 230, "subtitles", 190, "ie", 200, "vqa", 210));
    try (OcrRuntime runtime = OcrRuntime.open(config)) {
      List<Job> jobs = jobs(runtime);
      // warm-up: the vision tower's first calls include TorchScript's profiling, during which the batch would drain
      for (Job job : jobs.subList(0, PAGES.length)) {
        runtime.submit(job.image(), job.prompt()).get(2, TimeUnit.MINUTES);
      }
      Map<Key, float[]> batched = new ConcurrentHashMap<>();
      Map<Job, Long> joinedAt = new ConcurrentHashMap<>();
      runtime.setLogitsHook((image, prompt, index, logits) -> {
        batched.put(new Key(image, prompt, index), logits);
        if (index == 0) {
          joinedAt.put(new Job(image, prompt), runtime.stats().steps());
        }
      });

      // staggered: 2 now, then 2 more a few decode steps after the previous ones joined (images are encoded on the
      // vision thread while the batch decodes, so waiting on joins rather than on step counts keeps the overlap)
      List<CompletableFuture<OcrResult>> futures = new ArrayList<>();
      long[] stepsAfterJoin = {0, 0, 2, 2, 4, 4, 6, 6, 2};
      for (int i = 0; i < jobs.size(); i++) {
        if (i > 0 && stepsAfterJoin[i] != stepsAfterJoin[i - 1]) {
          awaitJoined(joinedAt, jobs.subList(0, i));
          awaitSteps(runtime, runtime.stats().steps() + stepsAfterJoin[i]);
        }
        futures.add(runtime.submit(jobs.get(i).image(), jobs.get(i).prompt()));
      }
      List<OcrResult> together = new ArrayList<>();
      for (CompletableFuture<OcrResult> f : futures) {
        together.add(f.get(2, TimeUnit.MINUTES));
      }
      RuntimeStats stats = runtime.stats();
      // rows really decoded together (how many at once depends on how busy the machine is: at most 4)
      assertThat(stats.maxBatchSeen()).isBetween(2, 4);
      assertThat(joinedAt.values().stream().distinct().count()).as("join steps %s", joinedAt)
          .isGreaterThanOrEqualTo(4);
      assertThat(together.stream().map(OcrResult::outputTokens).distinct().count()).isGreaterThanOrEqualTo(5);

      Map<Key, float[]> alone = new ConcurrentHashMap<>();
      runtime.setLogitsHook((image, prompt, index, logits) -> alone.put(new Key(image, prompt, index), logits));
      double maxDiff = 0;
      for (int i = 0; i < jobs.size(); i++) {
        OcrResult single = runtime.submit(jobs.get(i).image(), jobs.get(i).prompt()).get(2, TimeUnit.MINUTES);
        assertThat(together.get(i).outputIds()).as("ids of %s", jobs.get(i).prompt().task())
            .containsExactly(single.outputIds());
        assertThat(together.get(i).finishReason()).isEqualTo(single.finishReason());
        for (int t = 0; t < single.outputTokens(); t++) {
          Key key = new Key(jobs.get(i).image(), jobs.get(i).prompt(), t);
          maxDiff = Math.max(maxDiff, maxAbsDiff(batched.get(key), alone.get(key)));
        }
      }
      System.out.printf(
          "batch invariance: %d sequences, max batch %d, %d steps, largest |logit batched - alone| = %.3g%n",
          jobs.size(), stats.maxBatchSeen(), stats.steps(), maxDiff);
      assertThat(maxDiff).isLessThan(1e-3);
    }
  }

  private static List<Job> jobs(OcrRuntime runtime) throws Exception {
    List<PreparedImage> pages = new ArrayList<>();
    for (String page : PAGES) {
      BufferedImage image = ImageIO.read(SharedData.dir().resolve(page).toFile());
      pages.add(runtime.prepare(image));
    }
    List<TaskSpec> specs = List.of(TaskSpec.of(Task.TEXT), TaskSpec.of(Task.SPOTTING), TaskSpec.of(Task.PARSE),
        TaskSpec.of(Task.TABLE), new TaskSpec(Task.IE, List.of("标题", "日期"), null, null), TaskSpec.of(Task.FORMULA),
        TaskSpec.of(Task.CHART), new TaskSpec(Task.VQA, List.of(), null, "这张图片里写了什么？"),
        TaskSpec.of(Task.SUBTITLES));
    List<Job> jobs = new ArrayList<>();
    for (int i = 0; i < specs.size(); i++) {
      jobs.add(new Job(pages.get(i % pages.size()), runtime.prompt(specs.get(i))));
    }
    return jobs;
  }

  private static void awaitJoined(Map<Job, Long> joinedAt, List<Job> jobs) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
    while (!joinedAt.keySet().containsAll(jobs) && System.nanoTime() < deadline) {
      Thread.sleep(1);
    }
  }

  private static void awaitSteps(OcrRuntime runtime, long steps) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
    while (runtime.stats().steps() < steps && System.nanoTime() < deadline) {
      Thread.sleep(1);
    }
  }

  private static double maxAbsDiff(float[] a, float[] b) {
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs(a[i] - b[i]));
    }
    return max;
  }
}
