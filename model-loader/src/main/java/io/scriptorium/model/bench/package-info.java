/** Benchmarks of the runtime (main programs, not tests). */
package io.scriptorium.model.bench;
