package io.scriptorium.model;

/**
 * A snapshot of a runtime's scheduler. Counts and times only grow over the runtime's life (a monitoring system turns
 * them into rates); {@code running}, {@code queued}, {@code imagesInFlight}, {@code kvTokens} and the sizes are values
 * of the moment. Taking one costs a few volatile and atomic reads, so it can be polled; the scheduler keeps the figures
 * with single-writer stores and atomic adds, and takes no lock for them.
 *
 * @param running sequences in the decode batch now (rows in use)
 * @param queued requests submitted and not yet in the decode batch (the one being prefilled included)
 * @param steps decode steps run so far
 * @param generatedTokens ids generated so far (prefill's first token included)
 * @param maxBatchSeen the largest decode batch so far
 * @param decodeStepNanos wall time of all decode steps (Java bookkeeping plus model calls)
 * @param decodeModelNanos the part of {@code decodeStepNanos} spent in the decode call and reading its ids back
 * @param prefillChunks prompt chunks prefilled so far
 * @param prefillTokens prompt tokens prefilled so far
 * @param prefillNanos wall time of all prefill chunks
 * @param longestStepGapNanos the longest time between the starts of two consecutive decode steps of a running batch
 * @param longestPrefillChunkNanos the longest prefill chunk
 * @param slotTokens tokens one sequence (prompt and output) can hold in its KV slot
 * @param kvCacheBytes the KV cache's size on the device, allocated once at start
 * @param batchSlots rows the decode batch can hold ({@link RuntimeConfig#maxBatchSize})
 * @param kvTokens tokens held in the KV cache now: the running rows' and the staged prompt's prefilled part
 * @param kvTokenCapacity tokens the KV cache can hold: every slot, the staging slot included, times {@code slotTokens}
 * @param imagesInFlight images submitted whose prompts have not all finished (done, failed or cancelled)
 * @param visionEncodes images run through the vision encoder so far
 * @param visionNanos wall time of those encodes (on the vision thread)
 * @param queueWaits requests that left the queue to start their prefill
 * @param queueWaitNanos their time from submission to the start of prefill, summed
 * @param finishedStop sequences that ended on a stop id
 * @param finishedLength sequences that ended at the token cap or the end of their KV slot
 * @param finishedRepetition sequences the repetition-loop detector ended
 * @param failedRequests requests the scheduler failed after taking them (a model error, a failed vision encode, the
 *     runtime closed); requests refused at submission (a prompt too long for a slot) are not counted
 */
public record RuntimeStats(
    int running,
    int queued,
    long steps,
    long generatedTokens,
    int maxBatchSeen,
    long decodeStepNanos,
    long decodeModelNanos,
    long prefillChunks,
    long prefillTokens,
    long prefillNanos,
    long longestStepGapNanos,
    long longestPrefillChunkNanos,
    int slotTokens,
    long kvCacheBytes,
    int batchSlots,
    long kvTokens,
    long kvTokenCapacity,
    int imagesInFlight,
    long visionEncodes,
    long visionNanos,
    long queueWaits,
    long queueWaitNanos,
    long finishedStop,
    long finishedLength,
    long finishedRepetition,
    long failedRequests) {

  /** Sequences that ended for this reason so far. */
  public long finished(FinishReason reason) {
    return switch (reason) {
      case STOP -> finishedStop;
      case LENGTH -> finishedLength;
      case REPETITION -> finishedRepetition;
    };
  }
}
