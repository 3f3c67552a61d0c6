package io.scriptorium.pipeline.warehouse;

import io.delta.exceptions.DeltaConcurrentModificationException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every Delta commit Scriptorium makes is idempotent (a MERGE by key, a conditional UPDATE), so a commit that lost an
 * optimistic-concurrency race to another writer is simply run again on the new snapshot, after a random back-off.
 * The one place that decides how often and how long.
 */
public final class DeltaRetry {
  private static final Logger LOG = LoggerFactory.getLogger(DeltaRetry.class);
  static final int ATTEMPTS = 8;

  private DeltaRetry() {}

  public static void onConflict(String what, Runnable commit) {
    onConflict(what, () -> {
      commit.run();
      return null;
    });
  }

  public static <T> T onConflict(String what, Supplier<T> commit) {
    for (int attempt = 1; ; attempt++) {
      try {
        return commit.get();
      } catch (DeltaConcurrentModificationException e) {
        if (attempt == ATTEMPTS) {
          throw e;
        }
        LOG.info("{}: another writer committed first ({}); trying again", what, e.getClass().getSimpleName());
        try {
          Thread.sleep(100L * attempt + ThreadLocalRandom.current().nextLong(250L * attempt));
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          e.addSuppressed(interrupted);
          throw e;
        }
      }
    }
  }
}
