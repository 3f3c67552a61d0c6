package io.scriptorium.pipeline.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scriptorium.testing.UnitTest;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The committer's contract: order, the in-flight bound, overlap with the caller, and failures. */
@UnitTest
class ChunkCommitterTest {

  @Test
  void aCommitRunsWhileTheCallerGoesOnAndTheBoundHoldsTheNextOne() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch firstStarted = new CountDownLatch(1);
    List<Integer> order = new CopyOnWriteArrayList<>();
    try (ChunkCommitter committer = new ChunkCommitter("test-committer", 1, () -> {})) {
      committer.submit(() -> {
        firstStarted.countDown();
        await(release);
        order.add(1);
      });
      // submit returned while chunk 1's commit still runs: the caller infers the next chunk meanwhile
      assertTrue(firstStarted.await(10, TimeUnit.SECONDS));
      assertTrue(order.isEmpty());
      // a second inferred chunk waits for the slot: at most one chunk is in its commit
      CompletableFuture<Void> second = CompletableFuture.runAsync(() -> committer.submit(() -> order.add(2)));
      Thread.sleep(300);
      assertFalse(second.isDone(), "the second chunk must wait while the first one commits");
      release.countDown();
      second.get(10, TimeUnit.SECONDS);
      committer.submit(() -> order.add(3));
      committer.finish();
    }
    assertEquals(List.of(1, 2, 3), order);
  }

  @Test
  void withNoChunkInFlightSubmitReturnsOnlyOnceTheCommitIsDone() {
    List<String> done = new CopyOnWriteArrayList<>();
    try (ChunkCommitter committer = new ChunkCommitter("test-committer", 0, () -> {})) {
      committer.submit(() -> {
        sleep(200);
        done.add("chunk 1");
      });
      assertEquals(List.of("chunk 1"), done);
    }
  }

  @Test
  void theThreadSetupRunsOnTheCommitThread() {
    ThreadLocal<String> pool = new ThreadLocal<>();
    List<String> seen = new CopyOnWriteArrayList<>();
    try (ChunkCommitter committer = new ChunkCommitter("test-committer", 1, () -> pool.set("commit"))) {
      committer.submit(() -> seen.add(pool.get() + " on " + Thread.currentThread().getName()));
      committer.finish();
    }
    assertEquals(List.of("commit on test-committer"), seen);
    assertEquals(null, pool.get());
  }

  @Test
  void aFailedCommitStopsLaterCommitsAndIsRethrownWithItsCause() {
    IllegalStateException cause = new IllegalStateException("MERGE into pages failed");
    List<Integer> committed = new CopyOnWriteArrayList<>();
    try (ChunkCommitter committer = new ChunkCommitter("test-committer", 1, () -> {})) {
      committer.submit(() -> {
        throw cause;
      });
      IllegalStateException refused = assertThrows(IllegalStateException.class,
          () -> {
            committer.submit(() -> committed.add(2));
            committer.finish();
          });
      assertSame(cause, refused.getCause());
      assertTrue(refused.getMessage().contains("MERGE into pages failed"), refused.getMessage());
      IllegalStateException atFinish = assertThrows(IllegalStateException.class, committer::finish);
      assertSame(cause, atFinish.getCause());
    }
    assertTrue(committed.isEmpty(), "nothing is committed after a failed commit");
  }

  @Test
  void afterAnInferenceFailureDrainCommitsWhatWasInferredAndKeepsTheFirstFailure() {
    CountDownLatch release = new CountDownLatch(1);
    List<Integer> committed = new CopyOnWriteArrayList<>();
    RuntimeException inference = new RuntimeException("inference of chunk 2 failed");
    try (ChunkCommitter committer = new ChunkCommitter("test-committer", 1, () -> {})) {
      committer.submit(() -> {
        await(release);
        committed.add(1);
      });
      CompletableFuture.runAsync(() -> {
        sleep(200);
        release.countDown();
      });
      committer.drain(inference);
    }
    assertEquals(List.of(1), committed);
    assertEquals(0, inference.getSuppressed().length);
  }

  @Test
  void aCommitFailureDuringDrainIsSuppressedOnThePrimaryFailure() {
    RuntimeException inference = new RuntimeException("inference failed");
    try (ChunkCommitter committer = new ChunkCommitter("test-committer", 1, () -> {})) {
      committer.submit(() -> {
        throw new IllegalStateException("commit failed too");
      });
      committer.drain(inference);
    }
    assertEquals(1, inference.getSuppressed().length);
    assertEquals("commit failed too", inference.getSuppressed()[0].getMessage());
  }

  private static void await(CountDownLatch latch) {
    try {
      assertTrue(latch.await(30, TimeUnit.SECONDS));
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }
}
