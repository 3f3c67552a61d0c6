package io.scriptorium.model;

import ai.djl.ndarray.NDArray;

/**
 * One image shared by the prompts submitted for it: the vision encoder runs once, when the first of them is
 * prefilled, and its embeddings are freed after the last one. Touched only by the scheduler thread.
 */
final class ImageJob {
  final PreparedImage image;
  private int pendingPrompts;
  NDArray embeds;
  long visionNanos;
  RuntimeException failure;

  ImageJob(PreparedImage image, int prompts) {
    this.image = image;
    this.pendingPrompts = prompts;
  }

  /** Called once per prompt after its prefill, successful or not. */
  void release() {
    if (--pendingPrompts == 0 && embeds != null) {
      embeds.close();
      embeds = null;
    }
  }
}
