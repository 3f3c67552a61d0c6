package io.scriptorium.pipeline.infer;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.spark.TaskContext;
import org.apache.spark.TaskContext$;

/**
 * Calls, one at a time, on a daemon helper thread of a Spark task, each bounded by a time limit: how a task reads
 * pages without letting one stuck file stall it.
 *
 * <p>A call past its limit is abandoned: its thread is interrupted and left to end on its own (a read blocked on a dead
 * mount or socket may never end), and the next call gets a fresh thread. Whatever the abandoned call was using (a page
 * reader, say) must be dropped with it. The helper thread runs as part of the task: {@link TaskContext#get()} is the
 * task's there too, as on Spark's own helper threads. Used by one thread, like the iterator that owns it.
 */
public final class BoundedCalls implements AutoCloseable {
  /** Work that may throw one checked exception of its own. */
  public interface Work<T, E extends Exception> {
    T run() throws E;
  }

  private final String threadName;
  private final Duration limit;
  private final TaskContext task = TaskContext.get();
  private ExecutorService thread;

  public BoundedCalls(String threadName, Duration limit) {
    this.threadName = threadName;
    this.limit = limit;
  }

  /**
   * The work's result, or what it threw, rethrown as it is.
   *
   * @throws TimeoutException when the work took longer than the limit; it is abandoned
   */
  public <T, E extends Exception> T call(Work<T, E> work) throws E, TimeoutException {
    if (thread == null) {
      thread = Executors.newSingleThreadExecutor(this::newThread);
    }
    Future<T> future = thread.submit(work::run);
    try {
      return future.get(limit.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      thread.shutdownNow();
      thread = null;
      throw e;
    } catch (InterruptedException e) { // the task is being killed
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for " + threadName, e);
    } catch (ExecutionException e) {
      throw BoundedCalls.<E>rethrow(e.getCause());
    }
  }

  /** Stops the helper thread, interrupting a call in progress. */
  @Override
  public void close() {
    if (thread != null) {
      thread.shutdownNow();
      thread = null;
    }
  }

  /** The work can only throw unchecked throwables or its own {@code E}. */
  @SuppressWarnings("unchecked")
  private static <E extends Exception> E rethrow(Throwable thrown) throws E {
    if (thrown instanceof Error error) {
      throw error;
    }
    if (thrown instanceof RuntimeException runtime) {
      throw runtime;
    }
    throw (E) thrown;
  }

  private Thread newThread(Runnable runnable) {
    Thread t = new Thread(() -> {
      if (task != null) {
        TaskContext$.MODULE$.setTaskContext(task);
      }
      runnable.run();
    }, threadName);
    t.setDaemon(true);
    return t;
  }
}
