package io.scriptorium.pipeline.warehouse;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs independent driver-side Spark actions (MERGEs into different Delta tables) at the same time. Each Delta MERGE
 * is a few short jobs plus commit latency; side by side their jobs share the executors instead of queueing, so a
 * chunk's commit takes about as long as its slowest table rather than the sum of all.
 */
final class Concurrently {
  private static final AtomicInteger THREADS = new AtomicInteger();

  private Concurrently() {}

  /**
   * Runs every action and waits for all of them, also when one fails; results in the order given. The first failure
   * is rethrown (unchecked exceptions as they are) with the others suppressed on it.
   */
  static <T> List<T> run(List<Callable<T>> actions) {
    if (actions.size() <= 1) {
      return actions.stream().map(Concurrently::call).toList();
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(actions.size(), 8), r -> {
      Thread thread = new Thread(r, "scriptorium-commit-" + THREADS.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    try {
      List<Future<T>> futures = new ArrayList<>();
      for (Callable<T> action : actions) {
        futures.add(pool.submit(action));
      }
      List<T> results = new ArrayList<>();
      RuntimeException failure = null;
      for (Future<T> future : futures) {
        try {
          results.add(future.get());
        } catch (ExecutionException e) {
          RuntimeException cause = unchecked(e.getCause());
          if (failure == null) {
            failure = cause;
          } else {
            failure.addSuppressed(cause);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          futures.forEach(f -> f.cancel(true));
          throw new IllegalStateException("Interrupted while committing", e);
        }
      }
      if (failure != null) {
        throw failure;
      }
      return results;
    } finally {
      pool.shutdown();
    }
  }

  private static <T> T call(Callable<T> action) {
    try {
      return action.call();
    } catch (Exception e) {
      throw unchecked(e);
    }
  }

  private static RuntimeException unchecked(Throwable t) {
    if (t instanceof RuntimeException r) {
      return r;
    }
    if (t instanceof Error e) {
      throw e;
    }
    return new IllegalStateException(t.getMessage(), t);
  }
}
