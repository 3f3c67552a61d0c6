package io.scriptorium.pipeline;

/**
 * A {@code digitize} run refused to start because another run of the same collection and batch date is live: two runs
 * would infer every page twice. Nothing was done; the message names the live run, its driver and its last heartbeat.
 */
public final class RunAlreadyLiveException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String liveRunId;

  public RunAlreadyLiveException(String liveRunId, String message) {
    super(message);
    this.liveRunId = liveRunId;
  }

  /** The run that holds the (collection, batch date). */
  public String liveRunId() {
    return liveRunId;
  }
}
