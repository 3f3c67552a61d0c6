/**
 * The values that {@code pages.status}, {@code runs.status} and {@code pages.error_class} hold, as enums stored by
 * their lower-case wire names ({@link io.scriptorium.pipeline.vocab.WireValue}): the one vocabulary of writers,
 * views, reports and tests. Spark-free, so the page decoding code and the jobs use it too.
 */
package io.scriptorium.pipeline.vocab;
