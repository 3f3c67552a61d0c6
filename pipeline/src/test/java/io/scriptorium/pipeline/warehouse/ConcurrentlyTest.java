package io.scriptorium.pipeline.warehouse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scriptorium.testing.UnitTest;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

@UnitTest
class ConcurrentlyTest {
  @Test
  void resultsComeInTheOrderGivenAndActionsOverlap() {
    CountDownLatch allStarted = new CountDownLatch(3);
    Callable<Integer> a = () -> waitForOthers(allStarted, 1);
    Callable<Integer> b = () -> waitForOthers(allStarted, 2);
    Callable<Integer> c = () -> waitForOthers(allStarted, 3);
    // Each action waits until all three run: this only finishes if they run at the same time.
    assertEquals(List.of(1, 2, 3), Concurrently.run(List.of(a, b, c)));
  }

  @Test
  void everyActionRunsWhenOneFailsAndTheFailuresAreKept() {
    Set<String> ran = ConcurrentHashMap.newKeySet();
    IllegalStateException first = new IllegalStateException("first");
    Callable<String> failsFirst = () -> {
      ran.add("a");
      throw first;
    };
    Callable<String> succeeds = () -> {
      Thread.sleep(200);
      ran.add("b");
      return "b";
    };
    Callable<String> failsChecked = () -> {
      ran.add("c");
      throw new java.io.IOException("second");
    };
    IllegalStateException thrown = assertThrows(IllegalStateException.class,
        () -> Concurrently.run(List.of(failsFirst, succeeds, failsChecked)));
    assertSame(first, thrown);
    assertEquals(Set.of("a", "b", "c"), ran);
    assertEquals(1, thrown.getSuppressed().length);
    assertTrue(thrown.getSuppressed()[0].getCause() instanceof java.io.IOException);
  }

  @Test
  void noActionsAndOneActionRunOnTheCallingThread() {
    assertEquals(List.of(), Concurrently.run(List.<Callable<String>>of()));
    Thread caller = Thread.currentThread();
    assertEquals(List.of(true), Concurrently.run(List.of(() -> Thread.currentThread() == caller)));
  }

  private static int waitForOthers(CountDownLatch allStarted, int value) throws InterruptedException {
    allStarted.countDown();
    if (!allStarted.await(10, TimeUnit.SECONDS)) {
      throw new IllegalStateException("actions did not run side by side");
    }
    return value;
  }
}
