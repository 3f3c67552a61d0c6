package io.scriptorium.model;

/**
 * One prompt's output for one image.
 *
 * @param text the decoded output with special tokens kept ({@code <ref>}, {@code <quad>} ...); the stop id is excluded
 * @param promptTokens input length including the image placeholders
 * @param outputTokens number of generated ids (stop id excluded)
 * @param outputIds the generated ids (stop id excluded); do not mutate
 */
public record OcrResult(
    Prompt prompt,
    String text,
    FinishReason finishReason,
    int promptTokens,
    int outputTokens,
    int[] outputIds,
    Timings timings) {}
