package io.scriptorium.model;

import java.io.Serializable;

/**
 * Provenance of a loaded model: what to record next to every output.
 *
 * @param bundleSha256 sha256 of the bundle's manifest.json (which pins every other file by hash)
 * @param generationSettings compact JSON of strategy, stop ids, effective max tokens per task and repetition settings
 */
public record ModelInfo(
    String modelId,
    String revision,
    String bundleSha256,
    String dtype,
    String device,
    String generationSettings)
    implements Serializable {}
