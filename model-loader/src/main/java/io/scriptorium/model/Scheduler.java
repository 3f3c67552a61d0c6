package io.scriptorium.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that owns the device and the model. Continuous batching: between decode steps, waiting requests are
 * prefilled one at a time (B=1, after their image's single vision encode) and join the running batch while it has
 * room (maxBatchSize rows and maxKvTokens = rows x padded cache length, checked at admission; a lone request is always
 * admitted); finished rows leave after the step that finished them.
 *
 * <p>Failure policy: an error while encoding or prefilling one request fails only that request (and, for the vision
 * encoder, the other prompts of the same image). An error in a batch operation (decode step, join, leave) fails every
 * running and waiting request with the cause chained, frees the batch, and the scheduler carries on with new work.
 */
final class Scheduler implements Runnable {
  /** Receives each sequence's logits row before the greedy pick; tests use it to compare batched and lone runs. */
  interface LogitsHook {
    void onLogits(PreparedImage image, Prompt prompt, int tokenIndex, float[] logits);
  }

  private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);
  private static final Request POISON = new Request(null, null, null, 0, null);

  private final TorchModule module;
  private final Manifest manifest;
  private final Manifest.Repetition repetition;
  private final int maxBatchSize;
  private final long maxKvTokens;
  private final Executor completer;
  private final Function<int[], String> decoder;
  private final LinkedBlockingQueue<Request> inbox = new LinkedBlockingQueue<>();
  private final ArrayDeque<Request> waiting = new ArrayDeque<>();
  private final NDManager longLived;
  private final DecodeBatch batch;
  private volatile LogitsHook hook;
  /** Guards {@link #stopped} together with adds to the inbox, so no request slips in after the final drain. */
  private final Object submitLock = new Object();
  private boolean stopped;

  private volatile int running;
  private volatile int waitingCount;
  private volatile long steps;
  private volatile long generatedTokens;
  private volatile int maxBatchSeen;
  private volatile long stepNanos;
  private volatile long stepModelNanos;

  Scheduler(TorchModule module, Manifest manifest, boolean detectRepetition, int maxBatchSize, long maxKvTokens,
      Executor completer, Function<int[], String> decoder) {
    this.module = module;
    this.manifest = manifest;
    this.repetition = detectRepetition ? manifest.generation().repetition() : null;
    this.maxBatchSize = maxBatchSize;
    this.maxKvTokens = maxKvTokens;
    this.completer = completer;
    this.decoder = decoder;
    this.longLived = module.newManager();
    this.batch = new DecodeBatch(longLived.newSubManager());
  }

  void setHook(LogitsHook hook) {
    this.hook = hook;
  }

  /** Queues a request; after {@link #shutdown} it is failed at once. */
  void submit(Request request) {
    synchronized (submitLock) {
      if (!stopped) {
        inbox.add(request);
        return;
      }
    }
    request.future().completeExceptionally(new IllegalStateException("OcrRuntime is closed"));
  }

  /** Makes the thread stop after its current step; requests not finished by then fail. */
  void shutdown() {
    synchronized (submitLock) {
      stopped = true;
    }
    inbox.add(POISON);
  }

  RuntimeStats stats() {
    return new RuntimeStats(running, waitingCount + inbox.size(), steps, generatedTokens, maxBatchSeen, stepNanos,
        stepModelNanos);
  }

  @Override
  public void run() {
    Throwable fatal = null;
    try {
      loop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Throwable t) {
      fatal = t;
      LOG.error("OCR scheduler died", t);
    } finally {
      synchronized (submitLock) {
        stopped = true;
      }
      RuntimeException reason = fatal == null
          ? new IllegalStateException("OcrRuntime was closed before this request finished")
          : new IllegalStateException("OCR scheduler died: " + fatal, fatal);
      failEverything(reason);
      batch.close();
      longLived.close();
    }
  }

  private void loop() throws InterruptedException {
    while (true) {
      if (batch.isEmpty() && waiting.isEmpty()) {
        Request first = inbox.take();
        if (first == POISON) {
          return;
        }
        waiting.add(first);
      }
      for (Request r = inbox.poll(); r != null; r = inbox.poll()) {
        if (r == POISON) {
          return;
        }
        waiting.add(r);
      }
      admit();
      if (!batch.isEmpty()) {
        step();
      }
      publish();
    }
  }

  private void admit() {
    while (!waiting.isEmpty() && batch.size() < maxBatchSize) {
      Request next = waiting.peekFirst();
      long padded = Math.max(batch.length(), next.layout().length());
      if (!batch.isEmpty() && (batch.size() + 1L) * padded > maxKvTokens) {
        return;
      }
      waiting.pollFirst();
      publish();
      if (next.future().isDone()) {
        next.image().release(); // cancelled by the caller while waiting
      } else {
        prefill(next);
      }
    }
  }

  /** Vision (once per image), then a B=1 forward over the whole prompt; the sequence joins the batch or finishes. */
  private void prefill(Request request) {
    Sequence seq = new Sequence(request, manifest.generation().stopIds(), repetition);
    NDManager step = module.newManager();
    try {
      NDArray embeds = imageEmbeds(request);
      long start = System.nanoTime();
      NDArray input = module.prefillEmbeds(step, request.layout().ids(), embeds);
      NDList empty = module.emptyCache(step, 1);
      long[] mask = new long[seq.promptLength];
      Arrays.fill(mask, 1L);
      NDList out = module.decodeStep(step, input, request.layout().positions(), mask, empty.get(0), empty.get(1));
      int token = (int) out.get(0).argMax(1).toLongArray()[0];
      deliverLogits(out.get(0), List.of(seq));
      seq.prefillNanos = System.nanoTime() - start;
      generatedTokens++;
      if (seq.accept(token)) {
        complete(seq);
      } else {
        joinBatch(seq, out.get(1), out.get(2));
      }
    } catch (RuntimeException | Error e) {
      fail(request, e);
    } finally {
      request.image().release();
      step.close();
    }
  }

  private void joinBatch(Sequence seq, NDArray k, NDArray v) {
    try {
      batch.join(seq, k, v);
    } catch (RuntimeException | Error e) {
      failBatch("joining a sequence to the batch", e, seq.request);
    }
    maxBatchSeen = Math.max(maxBatchSeen, batch.size());
  }

  private NDArray imageEmbeds(Request request) {
    ImageJob job = request.image();
    if (job.failure != null) {
      throw job.failure;
    }
    if (job.embeds == null) {
      long start = System.nanoTime();
      try (NDManager m = module.newManager()) {
        PreparedImage image = job.image;
        NDArray embeds = module.visionEncode(m, image.pixels(), image.gridH(), image.gridW());
        long rows = embeds.getShape().get(0);
        if (rows != request.layout().imageTokens()) {
          throw new IllegalStateException("vision_encode returned " + rows + " rows for grid " + image.gridH() + "x"
              + image.gridW() + " but the prompt has " + request.layout().imageTokens() + " image placeholders");
        }
        embeds.attach(longLived);
        job.embeds = embeds;
      } catch (RuntimeException e) {
        job.failure = e;
        throw e;
      }
      job.visionNanos = System.nanoTime() - start;
    }
    return job.embeds;
  }

  /** One greedy step for every row: embed the last ids, forward with the batch cache, pick, retire finished rows. */
  private void step() {
    long start = System.nanoTime();
    long modelBefore = module.modelNanos();
    List<Sequence> rows = batch.rows();
    Set<Sequence> finished = Collections.newSetFromMap(new IdentityHashMap<>());
    try (NDManager step = module.newManager()) {
      NDArray embeds = module.embedTokens(step, batch.lastTokens());
      NDList out = module.decodeStep(step, embeds, batch.nextPositions(), batch.attentionMask(1), batch.k(), batch.v());
      batch.advance(out.get(1), out.get(2), step);
      long[] next = out.get(0).argMax(1).toLongArray();
      deliverLogits(out.get(0), rows);
      for (int r = 0; r < rows.size(); r++) {
        Sequence row = rows.get(r);
        if (row.accept((int) next[r]) || row.request.future().isDone()) {
          finished.add(row);
        }
      }
    } catch (RuntimeException | Error e) {
      failBatch("a decode step", e, null);
      return;
    }
    long elapsed = System.nanoTime() - start;
    for (Sequence row : rows) {
      row.decodeNanos += elapsed;
    }
    steps++;
    generatedTokens += rows.size();
    stepNanos += elapsed;
    stepModelNanos += module.modelNanos() - modelBefore;
    for (Sequence row : finished) {
      if (!row.request.future().isDone()) {
        complete(row);
      }
    }
    try {
      batch.leave(finished);
    } catch (RuntimeException | Error e) {
      failBatch("removing finished rows from the batch", e, null);
    }
  }

  private void deliverLogits(NDArray logits, List<Sequence> rows) {
    LogitsHook h = hook;
    if (h == null) {
      return;
    }
    float[] all = logits.toFloatArray();
    int vocab = all.length / rows.size();
    for (int r = 0; r < rows.size(); r++) {
      Sequence s = rows.get(r);
      float[] row = Arrays.copyOfRange(all, r * vocab, (r + 1) * vocab);
      h.onLogits(s.request.image().image, s.request.prompt(), s.generated(), row);
    }
  }

  private void complete(Sequence s) {
    Request r = s.request;
    int[] ids = s.outputIds();
    Timings timings = new Timings(r.image().image.preprocessNanos(), r.image().visionNanos, s.prefillNanos,
        s.decodeNanos);
    completer.execute(() -> {
      try {
        String text = decoder.apply(ids);
        r.future().complete(new OcrResult(r.prompt(), text, s.finish, s.promptLength, ids.length, ids, timings));
      } catch (RuntimeException e) {
        r.future().completeExceptionally(e);
      }
    });
  }

  private void fail(Request r, Throwable cause) {
    completer.execute(() -> r.future().completeExceptionally(cause));
  }

  /** A batch-wide failure: every running and waiting request fails with the cause; the batch is reset. */
  private void failBatch(String what, Throwable cause, Request extra) {
    LOG.error("OCR batch failed during {}; failing {} running and {} waiting requests", what, batch.size(),
        waiting.size(), cause);
    IllegalStateException reason = new IllegalStateException("model failure during " + what + ": " + cause, cause);
    if (extra != null) {
      fail(extra, reason);
    }
    failEverything(reason);
  }

  private void failEverything(RuntimeException reason) {
    for (Sequence s : batch.rows()) {
      fail(s.request, reason);
    }
    try {
      batch.clear();
    } catch (RuntimeException e) {
      reason.addSuppressed(e);
    }
    List<Request> pending = new ArrayList<>(waiting);
    waiting.clear();
    inbox.drainTo(pending);
    for (Request r : pending) {
      if (r != POISON) {
        r.image().release();
        fail(r, reason);
      }
    }
    publish();
  }

  private void publish() {
    running = batch.size();
    waitingCount = waiting.size();
  }
}
