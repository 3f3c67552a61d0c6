package io.scriptorium.model;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How to open a runtime. Start from {@link #defaults()} and change fields with the {@code withXxx} methods.
 *
 * @param bundle a local bundle directory, a {@code file:} URI, or {@code "builtin:tiny"} (the twin inside this jar)
 * @param device {@code "cpu"}, {@code "gpu"} (= gpu:0) or {@code "gpu:N"}
 * @param dtype null to take the bundle's dtype; otherwise it must equal the dtype the bundle was exported in
 *     (float32/fp32, float16/fp16, bfloat16/bf16): the runtime never casts weights
 * @param maxBatchSize most sequences decoded together
 * @param maxKvTokens KV cache tokens over all decode slots: each of the {@code maxBatchSize} slots holds
 *     {@code maxKvTokens / maxBatchSize} tokens (capped by the model's positions), the most one sequence's prompt and
 *     output can take; the cache is allocated once at start (see {@link OcrRuntime})
 * @param prefillChunkTokens prompt tokens prefilled between two decode steps: the longest a joining page delays the
 *     running sequences
 * @param intraOpThreads libtorch intra-op threads; process-wide, applied only if the engine is not started yet
 * @param promptLanguage prompt language key ("zh", "en"); null = the manifest's default
 * @param maxNewTokensOverride task key (e.g. "parse") to max new tokens, replacing the manifest's value
 * @param maxImagePixels images with more decoded pixels are refused before any allocation
 * @param stopRepetition stop a sequence when the manifest's repetition detector sees a loop
 *     ({@link FinishReason#REPETITION}); off by default, as the official scripts never stop early
 * @param pinnedSha256 null, or the only manifest sha256 accepted: any other bundle is refused before a byte of its
 *     TorchScript is read (a bundle is code; its checksums catch corruption, a pin catches a replaced bundle)
 */
public record RuntimeConfig(
    String bundle,
    String device,
    String dtype,
    int maxBatchSize,
    int maxKvTokens,
    int prefillChunkTokens,
    int intraOpThreads,
    String promptLanguage,
    Map<String, Integer> maxNewTokensOverride,
    long maxImagePixels,
    boolean stopRepetition,
    String pinnedSha256)
    implements Serializable {

  public static final String BUILTIN_TINY = "builtin:tiny";
  public static final int DEFAULT_MAX_BATCH_SIZE = 8;
  public static final int DEFAULT_MAX_KV_TOKENS = 65536;
  public static final int DEFAULT_PREFILL_CHUNK_TOKENS = 512;
  public static final int DEFAULT_INTRA_OP_THREADS = 1;
  /** Pillow's DecompressionBombError threshold (2 x Image.MAX_IMAGE_PIXELS). */
  public static final long DEFAULT_MAX_IMAGE_PIXELS = 178_956_970L;

  private static final Pattern DEVICE = Pattern.compile("cpu|gpu|gpu:\\d{1,3}");

  public RuntimeConfig {
    if (bundle == null || bundle.isBlank()) {
      throw new IllegalArgumentException("bundle must be a directory, a file: URI or " + BUILTIN_TINY);
    }
    device = device == null ? "cpu" : device.trim().toLowerCase(Locale.ROOT);
    if (!DEVICE.matcher(device).matches()) {
      throw new IllegalArgumentException("device must be cpu, gpu or gpu:N, got '" + device + "'");
    }
    dtype = dtype == null ? null : canonicalDtype(dtype);
    positive("maxBatchSize", maxBatchSize);
    positive("maxKvTokens", maxKvTokens);
    positive("prefillChunkTokens", prefillChunkTokens);
    if (maxKvTokens < maxBatchSize) {
      throw new IllegalArgumentException("maxKvTokens (" + maxKvTokens + ") must give every one of the " + maxBatchSize
          + " batch slots at least one token");
    }
    positive("intraOpThreads", intraOpThreads);
    positive("maxImagePixels", maxImagePixels);
    if (promptLanguage != null && promptLanguage.isBlank()) {
      throw new IllegalArgumentException("promptLanguage must be null (manifest default) or a language key");
    }
    maxNewTokensOverride = canonicalOverrides(maxNewTokensOverride);
    if (pinnedSha256 != null) {
      pinnedSha256 = pinnedSha256.trim().toLowerCase(Locale.ROOT);
      if (!pinnedSha256.matches("[0-9a-f]{64}")) {
        throw new IllegalArgumentException("a pinned bundle sha256 is 64 hex digits, got '" + pinnedSha256 + "'");
      }
    }
  }

  /**
   * builtin:tiny on CPU, bundle dtype, batch 8, 65536 KV tokens, 512-token prefill chunks, 1 intra-op thread, the
   * manifest's prompts and caps, no early stop.
   */
  public static RuntimeConfig defaults() {
    return new RuntimeConfig(
        BUILTIN_TINY,
        "cpu",
        null,
        DEFAULT_MAX_BATCH_SIZE,
        DEFAULT_MAX_KV_TOKENS,
        DEFAULT_PREFILL_CHUNK_TOKENS,
        DEFAULT_INTRA_OP_THREADS,
        null,
        Map.of(),
        DEFAULT_MAX_IMAGE_PIXELS,
        false,
        null);
  }

  public RuntimeConfig withBundle(String value) {
    return new RuntimeConfig(value, device, dtype, maxBatchSize, maxKvTokens, prefillChunkTokens, intraOpThreads, promptLanguage,
        maxNewTokensOverride, maxImagePixels, stopRepetition, pinnedSha256);
  }

  public RuntimeConfig withDevice(String value) {
    return new RuntimeConfig(bundle, value, dtype, maxBatchSize, maxKvTokens, prefillChunkTokens, intraOpThreads, promptLanguage,
        maxNewTokensOverride, maxImagePixels, stopRepetition, pinnedSha256);
  }

  public RuntimeConfig withDtype(String value) {
    return new RuntimeConfig(bundle, device, value, maxBatchSize, maxKvTokens, prefillChunkTokens, intraOpThreads, promptLanguage,
        maxNewTokensOverride, maxImagePixels, stopRepetition, pinnedSha256);
  }

  public RuntimeConfig withMaxBatchSize(int value) {
    return new RuntimeConfig(bundle, device, dtype, value, maxKvTokens, prefillChunkTokens, intraOpThreads, promptLanguage,
        maxNewTokensOverride, maxImagePixels, stopRepetition, pinnedSha256);
  }

  public RuntimeConfig withMaxKvTokens(int value) {
    return new RuntimeConfig(bundle, device, dtype, maxBatchSize, value, prefillChunkTokens, intraOpThreads, promptLanguage,
        maxNewTokensOverride, maxImagePixels, stopRepetition, pinnedSha256);
  }

  public RuntimeConfig withPrefillChunkTokens(int value) {
    return new RuntimeConfig(bundle, device, dtype, maxBatchSize, maxKvTokens, value, intraOpThreads, promptLanguage,
        maxNewTokensOverride, maxImagePixels, stopRepetition, pinnedSha256);
  }

  public RuntimeConfig withIntraOpThreads(int value) {
    return new RuntimeConfig(bundle, device, dtype, maxBatchSize, maxKvTokens, prefillChunkTokens, value, promptLanguage,
        maxNewTokensOverride, maxImagePixels, stopRepetition, pinnedSha256);
  }

  public RuntimeConfig withPromptLanguage(String value) {
    return new RuntimeConfig(bundle, device, dtype, maxBatchSize, maxKvTokens, prefillChunkTokens, intraOpThreads, value,
        maxNewTokensOverride, maxImagePixels, stopRepetition, pinnedSha256);
  }

  public RuntimeConfig withMaxNewTokensOverride(Map<String, Integer> value) {
    return new RuntimeConfig(bundle, device, dtype, maxBatchSize, maxKvTokens, prefillChunkTokens, intraOpThreads, promptLanguage,
        value, maxImagePixels, stopRepetition, pinnedSha256);
  }

  /** Adds or replaces one task's max-new-tokens override. */
  public RuntimeConfig withMaxNewTokens(Task task, int value) {
    Map<String, Integer> copy = new LinkedHashMap<>(maxNewTokensOverride);
    copy.put(task.key(), value);
    return withMaxNewTokensOverride(copy);
  }

  public RuntimeConfig withMaxImagePixels(long value) {
    return new RuntimeConfig(bundle, device, dtype, maxBatchSize, maxKvTokens, prefillChunkTokens, intraOpThreads, promptLanguage,
        maxNewTokensOverride, value, stopRepetition, pinnedSha256);
  }

  public RuntimeConfig withStopRepetition(boolean value) {
    return new RuntimeConfig(bundle, device, dtype, maxBatchSize, maxKvTokens, prefillChunkTokens, intraOpThreads,
        promptLanguage, maxNewTokensOverride, maxImagePixels, value, pinnedSha256);
  }

  /** Accepts only the bundle whose manifest has this sha256 (null: any verified bundle). */
  public RuntimeConfig withPinnedSha256(String value) {
    return new RuntimeConfig(bundle, device, dtype, maxBatchSize, maxKvTokens, prefillChunkTokens, intraOpThreads,
        promptLanguage, maxNewTokensOverride, maxImagePixels, stopRepetition, value);
  }

  /** Maps the accepted spellings to the manifest's dtype names. */
  static String canonicalDtype(String value) {
    switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "float32":
      case "fp32":
        return "float32";
      case "float16":
      case "fp16":
      case "half":
        return "float16";
      case "bfloat16":
      case "bf16":
        return "bfloat16";
      default:
        throw new IllegalArgumentException(
            "dtype must be float32/fp32, float16/fp16 or bfloat16/bf16, got '" + value + "'");
    }
  }

  private static Map<String, Integer> canonicalOverrides(Map<String, Integer> overrides) {
    if (overrides == null || overrides.isEmpty()) {
      return Map.of();
    }
    Map<String, Integer> out = new LinkedHashMap<>();
    overrides.forEach(
        (key, value) -> {
          Objects.requireNonNull(value, () -> "max new tokens for " + key);
          positive("maxNewTokensOverride[" + key + "]", value);
          out.put(Task.parse(key).key(), value);
        });
    return Map.copyOf(out);
  }

  private static void positive(String name, long value) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be >= 1, got " + value);
    }
  }
}
