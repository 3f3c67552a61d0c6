/** Benchmarks of the runtime (main programs, not tests). */
package io.scriptorium.bench.runtime;
