package io.scriptorium.model;

/**
 * A snapshot of a runtime's scheduler.
 *
 * @param running sequences in the decode batch now
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
    long kvCacheBytes) {}
