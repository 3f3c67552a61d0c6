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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that decodes. Continuous batching over static KV slots (BUNDLE_FORMAT.md "Driving the methods"):
 * every loop runs one decode step of the running rows, then at most one prefill chunk of the next request, so a
 * joining page delays running sequences by one chunk at most. Images are encoded ahead on the {@link VisionWorker}
 * thread. A prompt is prefilled into the staging slot while the batch runs (even when it is full) and joins as soon
 * as a slot is free; finished rows leave after the step that finished them.
 *
 * <p>Failure policy: an error while encoding or prefilling one request fails only that request (and, for the vision
 * encoder, the other prompts of the same image). An error in a batch operation (decode step, join, leave) fails every
 * running and waiting request with the cause chained, and the scheduler carries on with new work.
 */
final class Scheduler implements Runnable {
  /** Receives each sequence's logits row before the greedy pick; tests use it to compare batched and lone runs. */
  interface LogitsHook {
    void onLogits(PreparedImage image, Prompt prompt, int tokenIndex, float[] logits);
  }

  private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);
  private static final Object POISON = new Object();
  private static final Object WAKE = new Object();
  /** Distinct images, at the head of the queue, encoded ahead of the prefill that needs them. */
  private static final int VISION_LOOKAHEAD = 2;

  private final TorchModule module;
  private final Manifest manifest;
  private final Manifest.Repetition repetition;
  private final int maxBatchSize;
  private final int chunkTokens;
  private final Executor completer;
  private final Function<int[], String> decoder;
  private final LinkedBlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
  /** Requests in the inbox, so that {@link #stats} need not walk it (which locks it). */
  private final AtomicInteger inboxRequests = new AtomicInteger();
  private final ArrayDeque<Request> waiting = new ArrayDeque<>();
  private final NDManager longLived;
  private final KvCache cache;
  private final DecodeBatch batch;
  private final VisionWorker vision;
  private Prefill prefill;
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
  private volatile long prefillChunks;
  private volatile long prefillTokens;
  private volatile long prefillNanos;
  private volatile long longestStepGapNanos;
  private volatile long longestChunkNanos;
  private volatile long queueWaits;
  private volatile long queueWaitNanos;
  private volatile long kvTokens;
  /** By {@link FinishReason} ordinal. */
  private final AtomicLongArray finished = new AtomicLongArray(FinishReason.values().length);
  /** Also counted by callers' threads (a submission after shutdown). */
  private final AtomicLong failed = new AtomicLong();
  private long lastStepStart;

  /** The request being prefilled into the staging slot. */
  private static final class Prefill {
    final Request request;
    final Sequence sequence;
    final NDManager manager;
    NDArray embeds;
    int done;
    boolean ready;

    Prefill(Request request, Sequence sequence, NDManager manager) {
      this.request = request;
      this.sequence = sequence;
      this.manager = manager;
    }
  }

  Scheduler(TorchModule module, Manifest manifest, RuntimeConfig config, int slotTokens,
      Executor completer, Function<int[], String> decoder, String threadSuffix) {
    this.module = module;
    this.manifest = manifest;
    this.repetition = config.stopRepetition() ? manifest.generation().repetition() : null;
    this.maxBatchSize = config.maxBatchSize();
    this.chunkTokens = config.prefillChunkTokens();
    this.completer = completer;
    this.decoder = decoder;
    this.longLived = module.newManager();
    try {
      this.cache = KvCache.allocate(module, longLived, manifest, maxBatchSize + 1, slotTokens);
    } catch (RuntimeException e) {
      longLived.close();
      throw e;
    }
    this.batch = new DecodeBatch(module, cache, longLived.newSubManager());
    this.vision = new VisionWorker(module, longLived.newSubManager(), () -> inbox.add(WAKE),
        "scriptorium-ocr-vision-" + threadSuffix);
  }

  void setHook(LogitsHook hook) {
    this.hook = hook;
  }

  /** Queues a request; after {@link #shutdown} it is failed at once. */
  void submit(Request request) {
    synchronized (submitLock) {
      if (!stopped) {
        inboxRequests.incrementAndGet();
        inbox.add(request);
        return;
      }
    }
    failed.incrementAndGet();
    request.future().completeExceptionally(new IllegalStateException("OcrRuntime is closed"));
  }

  /** Makes the thread stop after its current step; requests not finished by then fail. */
  void shutdown() {
    synchronized (submitLock) {
      stopped = true;
    }
    inbox.add(POISON);
  }

  /** {@code imagesInFlight} is counted by the runtime, which sees the futures complete. */
  RuntimeStats stats(int imagesInFlight) {
    return new RuntimeStats(running, waitingCount + inboxRequests.get(),
        steps, generatedTokens, maxBatchSeen, stepNanos, stepModelNanos, prefillChunks, prefillTokens, prefillNanos,
        longestStepGapNanos, longestChunkNanos, cache.slotTokens(), cache.bytes(), maxBatchSize, kvTokens,
        (long) cache.slots() * cache.slotTokens(), imagesInFlight, vision.encodes(), vision.encodeNanos(), queueWaits,
        queueWaitNanos, finished.get(FinishReason.STOP.ordinal()), finished.get(FinishReason.LENGTH.ordinal()),
        finished.get(FinishReason.REPETITION.ordinal()), failed.get());
  }

  /** Benchmarks: forget the longest step gap and prefill chunk seen so far (warm-up). */
  void resetLongest() {
    longestStepGapNanos = 0;
    longestChunkNanos = 0;
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
      vision.close();
      batch.close();
      cache.close();
      longLived.close();
    }
  }

  private void loop() throws InterruptedException {
    while (true) {
      if (batch.isEmpty() && prefill == null && !startPrefill()) {
        if (!accept(inbox.take())) {
          return;
        }
      }
      for (Object o = inbox.poll(); o != null; o = inbox.poll()) {
        if (!accept(o)) {
          return;
        }
      }
      encodeAhead();
      if (prefill == null) {
        startPrefill();
      }
      if (!batch.isEmpty()) {
        step();
      }
      if (prefill != null && !prefill.ready) {
        prefillChunk();
      }
      join();
      publish();
    }
  }

  /** False on the poison pill. */
  private boolean accept(Object o) {
    if (o == POISON) {
      return false;
    }
    if (o instanceof Request r) {
      waiting.add(r);
      inboxRequests.decrementAndGet();
    }
    return true;
  }

  /** Sends the images of the next few waiting requests to the vision thread. */
  private void encodeAhead() {
    // the first VISION_LOOKAHEAD distinct images of the queue, encoded or not: encoded ones hold their embeddings
    // until their prompts prefill, so counting them bounds that memory while the batch is full
    Set<ImageJob> ahead = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Request r : waiting) {
      ImageJob job = r.image();
      if (ahead.add(job) && ahead.size() > VISION_LOOKAHEAD) {
        return;
      }
      if (job.state() == ImageJob.State.NEW) {
        vision.submit(job, r.layout().imageTokens());
      }
    }
  }

  /** Takes the first waiting request whose image is encoded and builds its prompt embeddings; false if none. */
  private boolean startPrefill() {
    while (!waiting.isEmpty()) {
      Request head = waiting.peekFirst();
      if (head.future().isDone()) { // cancelled by the caller while waiting
        waiting.pollFirst();
        head.image().release();
        continue;
      }
      ImageJob job = head.image();
      if (job.state() != ImageJob.State.DONE) {
        encodeAhead();
        return false;
      }
      waiting.pollFirst();
      publish();
      if (job.failure != null) {
        job.release();
        fail(head, job.failure);
        continue;
      }
      Prefill p = new Prefill(head, new Sequence(head, manifest.generation().stopIds(), repetition),
          module.newManager());
      long start = System.nanoTime();
      queueWaits++;
      queueWaitNanos += start - head.submittedNanos();
      try {
        p.embeds = module.prefillEmbeds(p.manager, head.layout().ids(), job.embeds());
      } catch (RuntimeException | Error e) {
        p.manager.close();
        fail(head, e);
        continue;
      } finally {
        job.release();
      }
      p.sequence.prefillNanos = System.nanoTime() - start;
      prefill = p;
      return true;
    }
    return false;
  }

  /** The next chunk of the staged prompt; after the last one the first id is known and the sequence may join. */
  private void prefillChunk() {
    Prefill p = prefill;
    Sequence seq = p.sequence;
    int total = seq.promptLength;
    int from = p.done;
    int to = Math.min(total, from + chunkTokens);
    long start = System.nanoTime();
    int first;
    try (NDManager m = module.newManager()) {
      NDArray part = p.embeds.get(":, {}:{}, :", from, to);
      part.attach(m);
      NDList out = module.prefillChunk(m, part, positions(p.request.layout(), from, to),
          cache.slot(m, cache.stagingSlot(), to));
      p.done = to;
      if (to < total) {
        first = -1;
      } else {
        first = (int) out.get(0).toLongArray()[0];
        deliverLogits(out.get(1), List.of(seq));
      }
    } catch (RuntimeException | Error e) {
      endPrefill();
      fail(p.request, e);
      return;
    }
    long elapsed = System.nanoTime() - start;
    seq.prefillNanos += elapsed;
    prefillChunks++;
    prefillTokens += to - from;
    prefillNanos += elapsed;
    longestChunkNanos = Math.max(longestChunkNanos, elapsed);
    if (first < 0) {
      return;
    }
    generatedTokens++;
    if (seq.accept(first) || p.request.future().isDone()) {
      endPrefill();
      if (!p.request.future().isDone()) {
        complete(seq);
      }
    } else {
      p.ready = true;
    }
  }

  /** A fully prefilled sequence takes the next free slot. */
  private void join() {
    if (prefill == null || !prefill.ready || batch.size() >= maxBatchSize) {
      return;
    }
    Sequence seq = prefill.sequence;
    endPrefill();
    try {
      batch.join(seq);
    } catch (RuntimeException | Error e) {
      failBatch("joining a sequence to the batch", e, seq.request);
      return;
    }
    maxBatchSeen = Math.max(maxBatchSeen, batch.size());
  }

  private void endPrefill() {
    prefill.manager.close();
    prefill = null;
  }

  /** {@code [1, 4, to - from]}: the layout's positions of prompt tokens from..to-1. */
  private static long[] positions(PromptLayout layout, int from, int to) {
    int s = layout.length();
    int t = to - from;
    long[] all = layout.positions();
    long[] out = new long[PromptLayout.AXES * t];
    for (int a = 0; a < PromptLayout.AXES; a++) {
      System.arraycopy(all, a * s + from, out, a * t, t);
    }
    return out;
  }

  /** One greedy step for every row: decode on the device, read the ids back, retire finished rows. */
  private void step() {
    long start = System.nanoTime();
    if (lastStepStart != 0) {
      longestStepGapNanos = Math.max(longestStepGapNanos, start - lastStepStart);
    }
    lastStepStart = start;
    List<Sequence> rows = new ArrayList<>(batch.rows());
    Set<Sequence> finished = Collections.newSetFromMap(new IdentityHashMap<>());
    long model;
    try (NDManager m = module.newManager()) {
      long modelStart = System.nanoTime();
      NDList out = batch.decode(m);
      long[] next = out.get(0).toLongArray(); // the step's one device-to-host read
      model = System.nanoTime() - modelStart;
      batch.advance(out);
      deliverLogits(out.get(1), rows);
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
    stepModelNanos += model;
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
    if (batch.isEmpty()) {
      lastStepStart = 0;
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
    finished.incrementAndGet(s.finish.ordinal());
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
    failed.incrementAndGet();
    completer.execute(() -> r.future().completeExceptionally(cause));
  }

  /** A batch-wide failure: every running, staged and waiting request fails with the cause; the batch is reset. */
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
    List<Request> failing = new ArrayList<>();
    for (Sequence s : batch.rows()) {
      failing.add(s.request);
    }
    batch.clear();
    lastStepStart = 0;
    if (prefill != null) {
      failing.add(prefill.request);
      endPrefill();
    }
    List<Request> queued = new ArrayList<>(waiting);
    waiting.clear();
    List<Object> drained = new ArrayList<>();
    inbox.drainTo(drained);
    for (Object o : drained) {
      if (o instanceof Request r) {
        inboxRequests.decrementAndGet();
        queued.add(r);
      }
    }
    publish(); // before any future fails: a caller that sees its request failed sees the batch empty
    for (Request r : failing) {
      fail(r, reason);
    }
    for (Request r : queued) {
      r.image().release();
      fail(r, reason);
    }
  }

  private void publish() {
    long tokens = prefill == null ? 0 : prefill.done;
    for (Sequence row : batch.rows()) {
      tokens += row.nextPosition();
    }
    kvTokens = tokens; // before running: a reader that sees the batch empty sees its tokens gone
    running = batch.size();
    waitingCount = waiting.size() + (prefill == null ? 0 : 1);
  }
}
