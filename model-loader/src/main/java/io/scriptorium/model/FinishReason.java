package io.scriptorium.model;

/** Why generation ended. */
public enum FinishReason {
  /** A stop id was generated (it is not part of the output). */
  STOP,
  /** The max-new-tokens cap (or the model's position limit) was reached. */
  LENGTH,
  /** The repetition-loop detector fired; the text keeps the repeated tail so parsers can trim it. */
  REPETITION
}
