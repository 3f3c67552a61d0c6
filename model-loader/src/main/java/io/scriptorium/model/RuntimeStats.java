package io.scriptorium.model;

/**
 * A snapshot of a runtime's scheduler.
 *
 * @param running sequences in the decode batch now
 * @param queued requests submitted and not yet admitted to the batch
 * @param steps decode steps run so far
 * @param generatedTokens ids generated so far (prefill's first token included)
 * @param maxBatchSeen the largest decode batch so far
 * @param decodeStepNanos wall time of all decode steps (Java bookkeeping plus model calls)
 * @param decodeModelNanos the part of {@code decodeStepNanos} spent inside TorchScript calls
 */
public record RuntimeStats(
    int running,
    int queued,
    long steps,
    long generatedTokens,
    int maxBatchSeen,
    long decodeStepNanos,
    long decodeModelNanos) {}
