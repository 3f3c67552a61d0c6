package io.scriptorium.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Encodes images on its own thread, so a page's vision tower never stops running sequences from decoding (on a GPU
 * its kernels interleave with the decode steps'; on a CPU it runs on another core). The scheduler queues a few
 * images ahead of the prefill that needs them and is woken by {@code onDone} when one is ready.
 */
final class VisionWorker implements AutoCloseable {
  private final TorchModule module;
  private final NDManager embedsManager;
  private final Runnable onDone;
  private final ExecutorService thread;
  /** Images encoded and the time it took; written by the vision thread only. */
  private volatile long encodes;
  private volatile long encodeNanos;

  VisionWorker(TorchModule module, NDManager embedsManager, Runnable onDone, String threadName) {
    this.module = module;
    this.embedsManager = embedsManager;
    this.onDone = onDone;
    this.thread = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, threadName);
      t.setDaemon(true);
      return t;
    });
  }

  /** Queues the job's vision encode; its state is QUEUED until the result is set. */
  void submit(ImageJob job, int expectedRows) {
    job.queued();
    thread.execute(() -> encode(job, expectedRows));
  }

  private void encode(ImageJob job, int expectedRows) {
    if (!job.wanted()) {
      job.finish(null, null, 0);
      onDone.run();
      return;
    }
    long start = System.nanoTime();
    NDArray result = null;
    RuntimeException error = null;
    try (NDManager m = module.newManager()) {
      PreparedImage image = job.image;
      NDArray embeds = module.visionEncode(m, image.pixels(), image.gridH(), image.gridW());
      long rows = embeds.getShape().get(0);
      if (rows != expectedRows) {
        throw new IllegalStateException("vision_encode returned " + rows + " rows for grid " + image.gridH() + "x"
            + image.gridW() + " but the prompt has " + expectedRows + " image placeholders");
      }
      embeds.attach(embedsManager);
      result = embeds;
    } catch (RuntimeException e) {
      error = e;
    } catch (Error e) {
      error = new IllegalStateException("vision encoder failed: " + e, e);
    }
    long nanos = System.nanoTime() - start;
    encodes++;
    encodeNanos += nanos;
    if (!job.finish(result, error, nanos) && result != null) {
      result.close();
    }
    onDone.run();
  }

  long encodes() {
    return encodes;
  }

  long encodeNanos() {
    return encodeNanos;
  }

  @Override
  public void close() {
    thread.shutdownNow();
    try {
      thread.awaitTermination(1, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
