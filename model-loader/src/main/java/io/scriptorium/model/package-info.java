/**
 * HunyuanOCR runtime on DJL/TorchScript: bundle loading and verification, Pillow-exact preprocessing, prompt building,
 * XD-RoPE positions, and a continuously batched greedy decoder behind {@link io.scriptorium.model.OcrRuntime}.
 *
 * <p>The contract with the Python exporter is {@code model-loader/BUNDLE_FORMAT.md}. Nothing here knows about Spark.
 */
package io.scriptorium.model;
