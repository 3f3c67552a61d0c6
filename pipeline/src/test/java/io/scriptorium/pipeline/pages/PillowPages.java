package io.scriptorium.pipeline.pages;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.scriptorium.pipeline.TinyBundleFiles;
import io.scriptorium.testing.PythonReference;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Pillow side of the pixel-parity tests: {@code model-loader/export/pillow_pages.py}, which runs the reference
 * {@code preprocess_image} of {@code hunyuan_ocr.py} (the function behind {@code hunyuan_ocr.py preprocess}) on
 * every page of many files in one Python process.
 */
final class PillowPages {
  /** Debian's interpreter, which has torch, numpy and Pillow (the python3 on PATH may not). */
  static final Path PYTHON = Path.of("/usr/bin/python3");
  static final Path EXPORT = Path.of("..", "model-loader", "export").toAbsolutePath().normalize();

  /** The real HunyuanOCR limits (shared/docs/hunyuanocr.md section 4), not the tiny twin's 256²..640². */
  static final long REAL_MIN_PIXELS = 512L * 512;
  static final long REAL_MAX_PIXELS = 2048L * 2048;

  private PillowPages() {}

  /** Skips (never passes) the calling test when the reference cannot run here, saying why. */
  static void assumeAvailable() {
    boolean ok = Files.isRegularFile(EXPORT.resolve("pillow_pages.py")) && PythonReference.available();
    assumeTrue(ok, "NOT RUN: the Pillow reference needs " + PYTHON + " with Pillow, numpy and torch (apt-get install -y"
        + " python3-pil python3-numpy python3-torch) and " + EXPORT.resolve("pillow_pages.py")
        + "; without it nothing compares Java's pixels with Pillow's");
  }

  /** A bundle directory holding only the tiny twin's manifest with the given pixel limits (all preprocessing needs). */
  static Path bundle(Path dir, long minPixels, long maxPixels) throws IOException {
    Files.createDirectories(dir);
    String manifest = new String(TinyBundleFiles.read().get("manifest.json"), StandardCharsets.UTF_8);
    JsonObject json = JsonParser.parseString(manifest).getAsJsonObject();
    JsonObject pp = json.getAsJsonObject("preprocessing");
    pp.addProperty("min_pixels", minPixels);
    pp.addProperty("max_pixels", maxPixels);
    Files.writeString(dir.resolve("manifest.json"), json.toString(), StandardCharsets.UTF_8);
    return dir;
  }

  /**
   * One JSON object per page, in order (see pillow_pages.py). {@code rgbDir} / {@code resizedDir} (either may be
   * null) receive {@code <n>.rgb}: the page's {@code convert("RGB")} and resized bytes, n counting the objects.
   */
  static List<JsonObject> run(Path bundle, Path rgbDir, Path resizedDir, List<Path> files)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(PYTHON.toString(), EXPORT.resolve("pillow_pages.py").toString(),
        "--bundle", bundle.toString()));
    if (rgbDir != null) {
      command.addAll(List.of("--rgb-dir", rgbDir.toString()));
    }
    if (resizedDir != null) {
      command.addAll(List.of("--resized-dir", resizedDir.toString()));
    }
    files.forEach(f -> command.add(f.toString()));
    Path out = Files.createTempFile("pillow-pages", ".jsonl");
    try {
      Process p = new ProcessBuilder(command).redirectOutput(out.toFile())
          .redirectError(ProcessBuilder.Redirect.INHERIT).start();
      if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", command.subList(0, 4)) + " ... failed");
      }
      List<JsonObject> lines = new ArrayList<>();
      for (String line : Files.readAllLines(out, StandardCharsets.UTF_8)) {
        lines.add(JsonParser.parseString(line).getAsJsonObject());
      }
      return lines;
    } finally {
      Files.deleteIfExists(out);
    }
  }

  /** What {@code hunyuan_ocr.py preprocess --bundle B --image F} prints, parsed (page 1 only: it opens the file). */
  static JsonObject preprocessCli(Path bundle, Path image) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(PYTHON.toString(), EXPORT.resolve("hunyuan_ocr.py").toString(), "preprocess",
        "--bundle", bundle.toString(), "--image", image.toString())
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new IOException("hunyuan_ocr.py preprocess failed on " + image + ": " + out);
    }
    return JsonParser.parseString(out).getAsJsonObject();
  }
}
