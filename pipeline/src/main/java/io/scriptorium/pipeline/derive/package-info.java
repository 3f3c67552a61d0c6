/**
 * From a raw output to what Scriptorium makes of it, without Spark: {@link io.scriptorium.pipeline.derive.TaskRegistry}
 * maps each task to its parser and a typed {@link io.scriptorium.pipeline.derive.ParsedOutput};
 * {@link io.scriptorium.pipeline.derive.DerivedRows} turns that into the rows of the parsed tables and {@code spots}.
 * Digitize, reparse, {@code scriptorium parse}, evaluation and the report all read outputs through here, so a new task
 * is one registry entry, and the compiler points at every consumer that must handle a new kind of output.
 */
package io.scriptorium.pipeline.derive;
