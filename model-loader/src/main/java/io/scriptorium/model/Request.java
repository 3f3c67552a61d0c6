package io.scriptorium.model;

import java.util.concurrent.CompletableFuture;

/** One (image, prompt) pair waiting for, or running in, the scheduler; {@code submittedNanos} is its submission time. */
record Request(
    ImageJob image, Prompt prompt, PromptLayout layout, int maxNewTokens, CompletableFuture<OcrResult> future,
    long submittedNanos) {}
