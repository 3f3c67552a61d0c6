package io.scriptorium.pipeline.run;

import io.scriptorium.pipeline.Scriptorium;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.spark.SparkContext;

/**
 * Commits a run's chunks on a thread of their own, in order, while the driver goes on inferring the next chunk: the
 * executors never wait for Delta.
 *
 * <p>At most {@code inFlight} inferred chunks wait for (or are in) their commit; {@link #submit} blocks beyond that,
 * so staged results stay bounded. {@code inFlight = 0} commits each chunk before the next one infers. Commits run in
 * submission order on one thread, so a chunk's commit sees every earlier chunk's rows (the duplicate check needs the
 * outputs of the chunks before it).
 *
 * <p>The first failed commit stops the committer: later submissions are refused with its cause, and {@link #finish}
 * rethrows it. When inference fails instead, {@link #drain} still commits what was inferred before.
 *
 * <p>The commit jobs run in the fair-scheduler pool {@value #POOL}, the inference jobs in the caller's pool; under
 * {@code spark.scheduler.mode=FAIR} (set by {@link Scriptorium#configure}) Spark gives both task slots, under FIFO a
 * commit's jobs queue behind the inference job's pending tasks.
 */
final class ChunkCommitter implements AutoCloseable {
  /** The fair-scheduler pool of commit jobs. */
  static final String POOL = "scriptorium-commit";
  private static final String POOL_PROPERTY = "spark.scheduler.pool";

  private final int inFlight;
  private final Semaphore slots;
  private final ExecutorService thread;
  private final AtomicReference<RuntimeException> failure = new AtomicReference<>();

  /** A run's committer, its Spark jobs in the pool {@value #POOL}. */
  static ChunkCommitter forRun(SparkContext context, String runId, int inFlight) {
    return new ChunkCommitter("scriptorium-committer-" + runId, inFlight,
        () -> context.setLocalProperty(POOL_PROPERTY, POOL));
  }

  /** {@code threadSetup} runs first on the commit thread (Spark's local properties are per thread). */
  ChunkCommitter(String threadName, int inFlight, Runnable threadSetup) {
    if (inFlight < 0) {
      throw new IllegalArgumentException("inFlight must be >= 0: " + inFlight);
    }
    this.inFlight = inFlight;
    this.slots = new Semaphore(Math.max(1, inFlight));
    this.thread = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(() -> {
        threadSetup.run();
        r.run();
      }, threadName);
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Queues a chunk's commit; returns once it is queued, after waiting for a free slot, or once it is done when
   * {@code inFlight} is 0.
   *
   * @throws IllegalStateException with the cause chained, when an earlier commit failed
   */
  void submit(Runnable commit) {
    rethrowFailure();
    try {
      slots.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for a chunk commit", e);
    }
    if (failure.get() != null) { // the commit that freed the slot failed
      slots.release();
      rethrowFailure();
    }
    thread.execute(() -> {
      try {
        if (failure.get() == null) {
          commit.run();
        }
      } catch (RuntimeException | Error e) {
        failure.compareAndSet(null, e instanceof RuntimeException r ? r : new IllegalStateException(e.toString(), e));
      } finally {
        slots.release();
      }
    });
    if (inFlight == 0) {
      awaitIdle();
      rethrowFailure();
    }
  }

  /** Throws when a commit has failed (the cause chained). */
  void ensureHealthy() {
    rethrowFailure();
  }

  /** Waits for every queued commit; rethrows the first failure. */
  void finish() {
    awaitIdle();
    rethrowFailure();
  }

  /**
   * Waits for the queued commits after a failure elsewhere, so chunks already inferred are committed; their own
   * failure, if any, is added to {@code primary} as suppressed.
   */
  void drain(Throwable primary) {
    awaitIdle();
    RuntimeException failed = failure.get();
    if (failed != null && failed != primary) {
      primary.addSuppressed(failed);
    }
  }

  private void awaitIdle() {
    int permits = Math.max(1, inFlight);
    try {
      slots.acquire(permits); // every permit back: nothing queued, nothing running
      slots.release(permits);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for chunk commits", e);
    }
  }

  private void rethrowFailure() {
    RuntimeException failed = failure.get();
    if (failed != null) {
      throw new IllegalStateException("A chunk commit failed: " + failed.getMessage(), failed);
    }
  }

  @Override
  public void close() {
    thread.shutdown();
    try {
      thread.awaitTermination(1, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
