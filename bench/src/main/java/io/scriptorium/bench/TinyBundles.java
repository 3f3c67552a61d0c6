package io.scriptorium.bench;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/** Copies of the embedded tiny twin with a changed manifest (the manifest is not among the checksummed files). */
final class TinyBundles {
  private static final String RESOURCES = "io/scriptorium/model/tiny/";

  /** The real HunyuanOCR preprocessing limits (shared/docs/hunyuanocr.md section 4; the tiny twin uses 256²..640²). */
  static final long REAL_MIN_PIXELS = 512L * 512;
  static final long REAL_MAX_PIXELS = 2048L * 2048;

  private TinyBundles() {}

  /** The tiny twin with the real model's preprocessing limits: for preprocessing benchmarks (the model is not run). */
  static Path withRealPreprocessing(Path dir) throws IOException {
    return withManifest(dir, manifest -> {
      JsonObject preprocessing = manifest.getAsJsonObject("preprocessing");
      preprocessing.addProperty("min_pixels", REAL_MIN_PIXELS);
      preprocessing.addProperty("max_pixels", REAL_MAX_PIXELS);
    });
  }

  /** The tiny twin with every task capped at {@code maxNewTokens}: a slower model (the twin loops to its cap). */
  static Path withMaxNewTokens(Path dir, int maxNewTokens) throws IOException {
    return withManifest(dir, manifest -> {
      JsonObject caps = manifest.getAsJsonObject("generation").getAsJsonObject("max_new_tokens");
      for (String task : List.copyOf(caps.keySet())) {
        caps.addProperty(task, maxNewTokens);
      }
    });
  }

  private static Path withManifest(Path dir, java.util.function.Consumer<JsonObject> change) throws IOException {
    Files.createDirectories(dir);
    for (String name : List.of("model.pt", "tokenizer.json", "manifest.json")) {
      try (InputStream in = TinyBundles.class.getClassLoader().getResourceAsStream(RESOURCES + name)) {
        if (in == null) {
          throw new IOException("embedded tiny bundle resource missing: " + name);
        }
        Files.copy(in, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    Path manifestFile = dir.resolve("manifest.json");
    JsonObject manifest = JsonParser.parseString(Files.readString(manifestFile, StandardCharsets.UTF_8)).getAsJsonObject();
    change.accept(manifest);
    Files.writeString(manifestFile, new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(manifest),
        StandardCharsets.UTF_8);
    return dir;
  }
}
