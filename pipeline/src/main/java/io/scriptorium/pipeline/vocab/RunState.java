package io.scriptorium.pipeline.vocab;

/** What {@code runs.status} holds: where a run stands. */
public enum RunState implements WireValue {
  /** Started and not ended; for {@code digitize}, it holds the lease of its collection and batch date. */
  RUNNING,
  /** Ended normally; some of its pages may have failed (see {@code pages}). */
  SUCCEEDED,
  /** Ended by an error, recorded in {@code runs.error}. */
  FAILED,
  /** Its driver died while it was running; a later run marked it so and filled its counts from what it committed. */
  INTERRUPTED;

  /** @throws IllegalArgumentException naming the valid values, when {@code wire} is none of them */
  public static RunState fromWire(String wire) {
    return WireValue.fromWire(RunState.class, "run state", wire);
  }
}
