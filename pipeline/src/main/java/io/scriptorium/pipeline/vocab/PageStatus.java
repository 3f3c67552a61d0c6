package io.scriptorium.pipeline.vocab;

/** What {@code pages.status} holds: how a page's last attempt ended. */
public enum PageStatus implements WireValue {
  /** The page was read and every planned task has its output (made here, or shared with identical content). */
  OK,
  /** The page failed; {@code error_class} says why. A transient failure is retried by later runs. */
  FAILED,
  /**
   * The page failed transiently {@code spark.scriptorium.retry.maxAttempts} times: later runs skip it until {@code
   * requeue} makes it {@link #FAILED} again.
   */
  QUARANTINED;

  /** @throws IllegalArgumentException naming the valid values, when {@code wire} is none of them */
  public static PageStatus fromWire(String wire) {
    return WireValue.fromWire(PageStatus.class, "page status", wire);
  }
}
