package io.scriptorium.model;

import java.util.Arrays;

/** A request's decoding state while it is a row of the batch. Scheduler thread only. */
final class Sequence {
  final Request request;
  final int promptLength;
  private final int[] stopIds;
  private final RepetitionDetector detector;
  private int[] output = new int[32];
  private int count;
  long prefillNanos;
  long decodeNanos;
  FinishReason finish;

  /** {@code repetition} null turns the loop detector off (golden tests compare full-length outputs). */
  Sequence(Request request, int[] stopIds, Manifest.Repetition repetition) {
    this.request = request;
    this.promptLength = request.layout().length();
    this.stopIds = stopIds;
    this.detector = repetition == null ? null : new RepetitionDetector(repetition);
  }

  /** Takes the next greedy id; returns true when the sequence is finished ({@link #finish} is set). */
  boolean accept(int id) {
    for (int stop : stopIds) {
      if (id == stop) {
        finish = FinishReason.STOP;
        return true;
      }
    }
    if (count == output.length) {
      output = Arrays.copyOf(output, count * 2);
    }
    output[count++] = id;
    if (detector != null && detector.add(id)) {
      finish = FinishReason.REPETITION;
    } else if (count >= request.maxNewTokens()) {
      finish = FinishReason.LENGTH;
    }
    return finish != null;
  }

  /** The id to feed next: the last generated one. */
  long lastToken() {
    return output[count - 1];
  }

  /**
   * Position of the id fed next: generated token n sits at S + n on all four axes. It is also the number of tokens
   * in this sequence's KV slot, and the column the id's keys are written to.
   */
  int nextPosition() {
    return promptLength + count - 1;
  }

  int generated() {
    return count;
  }

  int[] outputIds() {
    return Arrays.copyOf(output, count);
  }
}
