package io.scriptorium.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scriptorium.testing.UnitTest;
import java.awt.image.BufferedImage;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * What the pipeline's model deadline relies on: a request whose future its caller completes (with
 * {@code orTimeout}, as PartitionInference's window does) leaves the batch after the step it is in, so its KV slot
 * serves the next request instead of decoding to the token cap for nobody.
 */
@UnitTest
class TimedOutRequestTest {

  @Test
  void aRequestTimedOutByItsCallerLeavesTheBatchAtTheNextStep() throws Exception {
    RuntimeConfig config = TestBundles.tinyConfig().withMaxBatchSize(1).withMaxNewTokens(Task.PARSE, 64);
    try (OcrRuntime rt = OcrRuntime.open(config)) {
      Prompt parse = rt.prompt(TaskSpec.of(Task.PARSE));
      PreparedImage timedOut = rt.prepare(page(1));
      PreparedImage next = rt.prepare(page(2));
      int alone = rt.submit(timedOut, parse).get(1, TimeUnit.MINUTES).outputTokens();
      assertThat(alone).as("tokens the page gets when nobody gives up on it").isGreaterThan(4);

      AtomicInteger lastIndex = new AtomicInteger(-1);
      CountDownLatch reached = new CountDownLatch(1);
      CountDownLatch released = new CountDownLatch(1);
      rt.setLogitsHook((image, prompt, index, logits) -> {
        if (image == timedOut) {
          lastIndex.set(index);
          if (index == 2) { // hold the scheduler inside this step until the caller has given up
            reached.countDown();
            awaitQuietly(released);
          }
        }
      });
      CompletableFuture<OcrResult> future = rt.submit(timedOut, parse);
      assertThat(reached.await(1, TimeUnit.MINUTES)).isTrue();
      future.orTimeout(1, TimeUnit.NANOSECONDS);
      assertThatThrownBy(() -> future.get(1, TimeUnit.MINUTES)).hasCauseInstanceOf(TimeoutException.class);
      released.countDown();

      // a batch of one: the next request runs only once the timed-out sequence has given back its slot
      assertThat(rt.submit(next, parse).get(1, TimeUnit.MINUTES).outputTokens()).isPositive();
      assertThat(lastIndex).as("no step after the one it was in").hasValue(2);
      // the scheduler books the finished sequence out after completing its future: wait for it, briefly
      for (long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10); rt.stats().running() > 0
          && System.nanoTime() < end; ) {
        Thread.sleep(10);
      }
      assertThat(rt.stats().running()).isZero();
    }
  }

  private static BufferedImage page(int seed) {
    BufferedImage image = new BufferedImage(300 + seed * 10, 200, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        image.setRGB(x, y, ((x * (7 + seed)) ^ (y * 13)) & 0xffffff);
      }
    }
    return image;
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(1, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
