package io.scriptorium.model;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** The parts of manifest.json (BUNDLE_FORMAT.md) the runtime uses, validated with messages that name the key. */
record Manifest(
    int formatVersion,
    String modelId,
    String revision,
    String dtype,
    Map<String, String> files,
    Llm llm,
    Special special,
    Preprocessing preprocessing,
    Prompts prompts,
    Generation generation,
    boolean valuesDimsFirst) {

  static final int SUPPORTED_FORMAT_VERSION = 2;

  /** The language model's dimensions: what the KV cache is sized from. */
  record Llm(int hiddenSize, int numLayers, int numHeads, int numKvHeads, int headDim, int intermediateSize,
      int vocabSize, int maxPositions) {
    /** Bytes of one cached token (keys and values of every layer) at {@code bytesPerValue}. */
    long kvBytesPerToken(int bytesPerValue) {
      return 2L * numLayers * numKvHeads * headDim * bytesPerValue;
    }

    /** Parameters a decode step reads: every layer, the final norm and the tied embedding as the output head. */
    long decodeParameters() {
      long attention = (long) hiddenSize * headDim * (2L * numHeads + 2L * numKvHeads) + 2L * headDim;
      long mlp = 3L * hiddenSize * intermediateSize;
      return numLayers * (attention + mlp + 2L * hiddenSize) + hiddenSize + (long) vocabSize * hiddenSize;
    }
  }

  int maxPositions() {
    return llm.maxPositions();
  }

  /** manifest {@code runtime.v_cache}: how the module's {@code new_kv} lays out cached values. */
  static final String V_CACHE_DIMS_FIRST = "dims_first";
  static final String V_CACHE_TOKENS_FIRST = "tokens_first";

  /** Token ids of the chat template. */
  record Special(int bos, int user, int[] eos, int systemSep, int imageStart, int imageEnd, int imageToken) {}

  record Preprocessing(
      int patchSize,
      int mergeSize,
      long minPixels,
      long maxPixels,
      double maxAspectRatio,
      double rescaleFactor,
      double[] mean,
      double[] std) {}

  /** Prompt templates by language key, and the target-language names used by {language}. */
  record Prompts(
      String defaultLanguage,
      Map<String, Map<String, String>> templates,
      Map<String, Map<String, String>> languageNames) {}

  record Repetition(int minUnitTokens, int maxUnitTokens, int minRepeats, int minSpanTokens) {}

  record Generation(String strategy, int[] stopIds, Map<String, Integer> maxNewTokens, Repetition repetition) {}

  static Manifest parse(byte[] json) {
    JsonObject root;
    try {
      root = JsonParser.parseString(new String(json, StandardCharsets.UTF_8)).getAsJsonObject();
    } catch (JsonParseException | IllegalStateException e) {
      throw new BundleException("manifest.json is not a JSON object: " + e.getMessage(), e);
    }
    int version = integer(root, "format_version");
    if (version != SUPPORTED_FORMAT_VERSION) {
      throw new BundleException(
          "manifest.json has format_version "
              + version
              + " but this runtime reads only format_version "
              + SUPPORTED_FORMAT_VERSION
              + "; use a scriptorium-model-loader release that matches the exporter");
    }
    Map<String, String> files = new LinkedHashMap<>();
    object(root, "files").entrySet().forEach(e -> files.put(e.getKey(), string(e.getValue(), "files." + e.getKey())));
    String dtype = string(root, "dtype");
    try {
      dtype = RuntimeConfig.canonicalDtype(dtype);
    } catch (IllegalArgumentException e) {
      throw new BundleException("manifest.json dtype: " + e.getMessage());
    }
    JsonObject llm = object(object(root, "architecture"), "llm");
    int maxPositions = llm.has("max_position_embeddings") ? integer(llm, "max_position_embeddings") : Integer.MAX_VALUE;
    Llm dims = new Llm(integer(llm, "hidden_size"), integer(llm, "num_layers"), integer(llm, "num_heads"),
        integer(llm, "num_kv_heads"), integer(llm, "head_dim"), integer(llm, "intermediate_size"),
        integer(llm, "vocab_size"), maxPositions);
    return new Manifest(
        version,
        string(root, "model_id"),
        string(root, "model_revision"),
        dtype,
        Map.copyOf(files),
        dims,
        special(object(root, "special_tokens")),
        preprocessing(object(root, "preprocessing")),
        prompts(object(root, "prompts")),
        generation(object(root, "generation")),
        valuesDimsFirst(root));
  }

  private static boolean valuesDimsFirst(JsonObject root) {
    if (!root.has("runtime") || !root.getAsJsonObject("runtime").has("v_cache")) {
      return false;
    }
    String layout = string(root.getAsJsonObject("runtime"), "v_cache");
    if (!layout.equals(V_CACHE_DIMS_FIRST) && !layout.equals(V_CACHE_TOKENS_FIRST)) {
      throw new BundleException("manifest.json runtime.v_cache must be " + V_CACHE_DIMS_FIRST + " or "
          + V_CACHE_TOKENS_FIRST + ", got '" + layout + "'");
    }
    return layout.equals(V_CACHE_DIMS_FIRST);
  }

  private static Special special(JsonObject o) {
    return new Special(
        integer(o, "bos"),
        integer(o, "user"),
        ints(o, "eos"),
        integer(o, "system_sep"),
        integer(o, "image_start"),
        integer(o, "image_end"),
        integer(o, "image_token"));
  }

  private static Preprocessing preprocessing(JsonObject o) {
    expect(o, "resample", "bicubic");
    expect(o, "resize_rule", "smart_resize");
    double[] mean = doubles(o, "image_mean");
    double[] std = doubles(o, "image_std");
    if (mean.length != 3 || std.length != 3) {
      throw new BundleException("manifest.json preprocessing: image_mean and image_std need 3 values");
    }
    return new Preprocessing(
        integer(o, "patch_size"),
        integer(o, "merge_size"),
        number(o, "min_pixels").longValue(),
        number(o, "max_pixels").longValue(),
        number(o, "max_aspect_ratio").doubleValue(),
        number(o, "rescale_factor").doubleValue(),
        mean,
        std);
  }

  private static Prompts prompts(JsonObject o) {
    String defaultLanguage = string(o, "default_language");
    Map<String, Map<String, String>> templates = new LinkedHashMap<>();
    Map<String, Map<String, String>> names = new LinkedHashMap<>();
    for (Map.Entry<String, JsonElement> e : o.entrySet()) {
      String key = e.getKey();
      if (key.equals("languages")) {
        asObject(e.getValue(), "prompts.languages")
            .entrySet()
            .forEach(l -> names.put(l.getKey(), strings(asObject(l.getValue(), "prompts.languages." + l.getKey()))));
      } else if (!key.equals("default_language")) {
        Map<String, String> table = strings(asObject(e.getValue(), "prompts." + key));
        for (Task task : Task.values()) {
          requireTemplate(table, key, task.key());
        }
        requireTemplate(table, key, "ie_single");
        templates.put(key, table);
      }
    }
    if (!templates.containsKey(defaultLanguage)) {
      throw new BundleException(
          "manifest.json prompts: default_language '" + defaultLanguage + "' has no prompt table");
    }
    return new Prompts(defaultLanguage, Map.copyOf(templates), Map.copyOf(names));
  }

  private static void requireTemplate(Map<String, String> table, String language, String key) {
    if (!table.containsKey(key)) {
      throw new BundleException("manifest.json prompts." + language + " has no '" + key + "' prompt");
    }
  }

  private static Generation generation(JsonObject o) {
    expect(o, "strategy", "greedy");
    Map<String, Integer> max = new LinkedHashMap<>();
    object(o, "max_new_tokens").entrySet().forEach(e -> max.put(e.getKey(), positiveInt(e.getValue(), e.getKey())));
    for (Task task : Task.values()) {
      if (!max.containsKey(task.key())) {
        throw new BundleException("manifest.json generation.max_new_tokens has no entry for '" + task.key() + "'");
      }
    }
    JsonObject r = object(o, "repetition");
    Repetition repetition =
        new Repetition(
            integer(r, "min_unit_tokens"),
            integer(r, "max_unit_tokens"),
            integer(r, "min_repeats"),
            integer(r, "min_span_tokens"));
    if (repetition.minUnitTokens() < 1
        || repetition.maxUnitTokens() < repetition.minUnitTokens()
        || repetition.minRepeats() < 2) {
      throw new BundleException("manifest.json generation.repetition is inconsistent: " + r);
    }
    return new Generation("greedy", ints(o, "stop_ids"), Map.copyOf(max), repetition);
  }

  private static void expect(JsonObject o, String key, String wanted) {
    String value = string(o, key);
    if (!wanted.equals(value.toLowerCase(Locale.ROOT))) {
      throw new BundleException("manifest.json: " + key + " '" + value + "' is not supported (only " + wanted + ")");
    }
  }

  private static JsonObject object(JsonObject o, String key) {
    return asObject(require(o, key), key);
  }

  private static JsonObject asObject(JsonElement e, String key) {
    if (!e.isJsonObject()) {
      throw new BundleException("manifest.json: '" + key + "' must be an object");
    }
    return e.getAsJsonObject();
  }

  private static JsonElement require(JsonObject o, String key) {
    JsonElement e = o.get(key);
    if (e == null || e.isJsonNull()) {
      throw new BundleException("manifest.json: missing '" + key + "'");
    }
    return e;
  }

  private static String string(JsonObject o, String key) {
    return string(require(o, key), key);
  }

  private static String string(JsonElement e, String key) {
    if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
      throw new BundleException("manifest.json: '" + key + "' must be a string");
    }
    return e.getAsString();
  }

  private static Map<String, String> strings(JsonObject o) {
    Map<String, String> out = new LinkedHashMap<>();
    o.entrySet().forEach(e -> out.put(e.getKey(), string(e.getValue(), e.getKey())));
    return Map.copyOf(out);
  }

  private static Number number(JsonObject o, String key) {
    JsonElement e = require(o, key);
    if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
      throw new BundleException("manifest.json: '" + key + "' must be a number");
    }
    return e.getAsNumber();
  }

  private static int integer(JsonObject o, String key) {
    return exactInt(number(o, key), key);
  }

  private static int positiveInt(JsonElement e, String key) {
    if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
      throw new BundleException("manifest.json: '" + key + "' must be a number");
    }
    int value = exactInt(e.getAsNumber(), key);
    if (value < 1) {
      throw new BundleException("manifest.json: '" + key + "' must be >= 1, got " + value);
    }
    return value;
  }

  private static int exactInt(Number n, String key) {
    double d = n.doubleValue();
    if (d != Math.rint(d) || d > Integer.MAX_VALUE || d < Integer.MIN_VALUE) {
      throw new BundleException("manifest.json: '" + key + "' must be an integer, got " + n);
    }
    return (int) d;
  }

  private static int[] ints(JsonObject o, String key) {
    JsonElement e = require(o, key);
    if (e.isJsonPrimitive()) {
      return new int[] {exactInt(number(o, key), key)};
    }
    JsonArray a = e.getAsJsonArray();
    int[] out = new int[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = exactInt(a.get(i).getAsNumber(), key + "[" + i + "]");
    }
    return out;
  }

  private static double[] doubles(JsonObject o, String key) {
    JsonArray a = require(o, key).getAsJsonArray();
    double[] out = new double[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = a.get(i).getAsDouble();
    }
    return out;
  }
}
