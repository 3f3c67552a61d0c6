package io.scriptorium.pipeline.infer;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Rows out of inputs that take a while: pulls inputs lazily, keeps up to {@code capacity} of them running at once, and
 * emits each one's row as soon as it finishes, in completion order. Whenever a job is taken out, the window is refilled
 * before its row is handed back, so one slow job never holds back the others' replacements.
 *
 * <p>An input can also have its row right away (a page that fails before it is submitted, say); such rows take no room
 * in the window and come out first. Used by one thread, like any iterator; the futures may complete on any thread.
 *
 * <p>A job is given {@code timeout} from its start: its futures still running then are completed exceptionally with a
 * {@link java.util.concurrent.TimeoutException} (their producer sees them done and can drop the work), so the window
 * never waits forever and {@code finish} gets the job as usual.
 *
 * @param <I> an input
 * @param <J> a running job, handed to {@code finish} once all its futures are done
 * @param <R> a row out
 */
final class InFlightWindow<I, J, R> implements Iterator<R> {

  /** What starting one input gave: its row right away, or a job running until all its futures are done. */
  static final class Started<J, R> {
    private final R row;
    private final J job;
    private final List<? extends CompletableFuture<?>> futures;

    private Started(R row, J job, List<? extends CompletableFuture<?>> futures) {
      this.row = row;
      this.job = job;
      this.futures = futures;
    }
  }

  static <J, R> Started<J, R> ready(R row) {
    return new Started<>(row, null, null);
  }

  static <J, R> Started<J, R> running(J job, List<? extends CompletableFuture<?>> futures) {
    return new Started<>(null, Objects.requireNonNull(job, "job"), List.copyOf(futures));
  }

  private final Iterator<I> inputs;
  private final int capacity;
  private final Duration timeout;
  private final Function<? super I, Started<J, R>> start;
  private final Function<? super J, ? extends R> finish;
  private final Deque<R> ready = new ArrayDeque<>();
  /** Jobs whose futures are all done, in the order they got done; filled from whichever thread completed them. */
  private final BlockingQueue<J> finished = new LinkedBlockingQueue<>();
  /** Jobs started and not yet taken out of {@link #finished}. */
  private int running;

  InFlightWindow(Iterator<I> inputs, int capacity, Duration timeout, Function<? super I, Started<J, R>> start,
      Function<? super J, ? extends R> finish) {
    this.inputs = inputs;
    this.capacity = capacity;
    this.timeout = timeout;
    this.start = start;
    this.finish = finish;
  }

  @Override
  public boolean hasNext() {
    fill();
    return !ready.isEmpty() || running > 0;
  }

  @Override
  public R next() {
    fill();
    if (!ready.isEmpty()) {
      return ready.poll();
    }
    if (running == 0) {
      throw new NoSuchElementException();
    }
    J job = finished.poll(); // a job that is already done is handed out even to an interrupted thread
    if (job == null) {
      try {
        job = finished.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while waiting for the model", e);
      }
    }
    running--;
    ready.addFirst(finish.apply(job)); // kept, should the refill below throw
    fill(); // the free slot gets its next input before this row goes downstream
    return ready.poll();
  }

  private void fill() {
    while (running < capacity && inputs.hasNext()) {
      Started<J, R> started = start.apply(inputs.next());
      if (started.futures == null) {
        ready.add(started.row);
        continue;
      }
      running++;
      J job = started.job;
      started.futures.forEach(f -> f.orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS));
      CompletableFuture.allOf(started.futures.toArray(CompletableFuture<?>[]::new))
          .whenComplete((ignored, failure) -> finished.add(job));
    }
  }
}
