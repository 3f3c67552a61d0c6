package io.scriptorium.model;

import ai.djl.ndarray.NDArray;

/**
 * One image shared by the prompts submitted for it: the vision encoder runs once, on the vision thread, and its
 * embeddings are freed after the last prompt has built its prefill embeddings. The state moves NEW -> QUEUED (the
 * scheduler sent it to the vision thread) -> DONE (embeddings or failure set); the volatile state publishes the
 * vision thread's writes to the scheduler thread.
 */
final class ImageJob {
  enum State { NEW, QUEUED, DONE }

  final PreparedImage image;
  private int pendingPrompts;
  private NDArray embeds;
  private volatile State state = State.NEW;
  volatile long visionNanos;
  volatile RuntimeException failure;

  ImageJob(PreparedImage image, int prompts) {
    this.image = image;
    this.pendingPrompts = prompts;
  }

  State state() {
    return state;
  }

  void queued() {
    state = State.QUEUED;
  }

  /** Vision thread: the embeddings, or null when every prompt was released meanwhile (the caller closes them). */
  synchronized boolean finish(NDArray result, RuntimeException error, long nanos) {
    visionNanos = nanos;
    failure = error;
    boolean wanted = pendingPrompts > 0 && result != null;
    embeds = wanted ? result : null;
    state = State.DONE;
    return wanted;
  }

  /** Whether any prompt still needs the embeddings (the vision thread skips images nobody waits for). */
  synchronized boolean wanted() {
    return pendingPrompts > 0;
  }

  synchronized NDArray embeds() {
    return embeds;
  }

  /** Called once per prompt when it no longer needs the embeddings (prefill started, failed or cancelled). */
  synchronized void release() {
    if (--pendingPrompts == 0 && embeds != null) {
      embeds.close();
      embeds = null;
    }
  }
}
