package io.scriptorium.model;

/**
 * Where one request's time went, in nanoseconds. {@code visionNanos} is the image's single vision encode, shared by
 * every prompt submitted for that image; {@code decodeNanos} sums the batch steps the sequence took part in.
 */
public record Timings(long preprocessNanos, long visionNanos, long prefillNanos, long decodeNanos) {}
