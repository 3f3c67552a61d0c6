package io.scriptorium.jobs;

import static io.scriptorium.jobs.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.scriptorium.model.Preprocessor;
import io.scriptorium.pipeline.pages.DecodedPage;
import io.scriptorium.pipeline.pages.PageOptions;
import io.scriptorium.pipeline.pages.PageReader;
import io.scriptorium.pipeline.pages.PageRef;
import io.scriptorium.pipeline.vocab.ErrorClass;
import io.scriptorium.testing.DataTest;
import io.scriptorium.testing.PythonReference;
import io.scriptorium.testing.SharedData;
import io.scriptorium.testing.UnitTest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code inspect-image}: the CLI contract, and its output equal to {@code hunyuan_ocr.py preprocess} (through
 * {@code model-loader/export/pillow_pages.py}, which calls the same reference function on every page of many files in
 * one process) on every image page of {@code ../shared/data}.
 */
@UnitTest
class InspectImageCommandTest {
  /** Debian's interpreter, which has torch, numpy and Pillow (the python3 on PATH may not). */
  static final Path PYTHON = Path.of("/usr/bin/python3");
  static final Path EXPORT = Path.of("..", "model-loader", "export").toAbsolutePath().normalize();
  static final Path CORPUS =
      Path.of("..", "pipeline", "src", "test", "resources", "pixels").toAbsolutePath().normalize();
  static final List<String> KEYS = List.of("original", "resized", "grid", "num_image_tokens", "pixel_values_shape",
      "pixel_values_sha256");

  /**
   * JPEG only, after the resize, in 8-bit levels. The JDK decodes JPEG with its libjpeg 6b, Pillow with libjpeg-turbo:
   * both use the same integer IDCT, fancy upsampling and colour tables, and every JPEG here (shared data, the pixel
   * corpus: 4:2:0, 4:2:2, 4:4:4, 4:4:0, 4:1:1, progressive, restart markers, arithmetic coding, grey, RGB, CMYK, YCCK)
   * matches bit for bit today. The allowance is for Pillow builds whose libjpeg rounds otherwise; a page using it is
   * printed.
   */
  static final int JPEG_MAX_ABS_DIFF = 4;

  @TempDir
  Path dir;

  @Test
  void usageErrorsAreOneLineAndExitTwo() throws Exception {
    for (String[] args : List.of(new String[] {"inspect-image"}, new String[] {"inspect-image", "--bogus", "x.png"},
        new String[] {"inspect-image", dir.resolve("missing.png").toString()},
        new String[] {"inspect-image", "--model", dir.resolve("no-bundle").toString(), CORPUS.toString()})) {
      CliRun run = run(args);
      assertThat(run.exit()).as(String.join(" ", args)).isEqualTo(2);
      assertThat(run.out()).isEmpty();
      List<String> lines = run.err().lines().filter(l -> l.startsWith("scriptorium inspect-image: ")).toList();
      assertThat(lines).as(run.err()).hasSize(1);
      assertThat(run.err()).doesNotContain("Usage:");
    }
  }

  @Test
  void printsOneJsonLinePerPageAndFailuresAsRows() throws Exception {
    Path empty = Files.createFile(dir.resolve("empty.png"));
    CliRun run = run("inspect-image", CORPUS.resolve("tiff-multipage.tif").toString(), empty.toString());
    assertThat(run.exit()).isEqualTo(1); // a page failed
    List<JsonObject> lines = run.out().lines().map(l -> JsonParser.parseString(l).getAsJsonObject()).toList();
    assertThat(lines).hasSize(5);
    // files come in listing (URI) order, which depends on where the checkout and the temp directory live
    List<JsonObject> failures = lines.stream().filter(l -> l.get("file").getAsString().endsWith("empty.png")).toList();
    List<JsonObject> pages = lines.stream().filter(l -> !l.get("file").getAsString().endsWith("empty.png")).toList();
    assertThat(failures).hasSize(1);
    assertThat(failures.get(0).keySet()).containsExactly("file", "page", "format", "error_class", "error");
    assertThat(failures.get(0).get("error_class").getAsString()).isEqualTo(ErrorClass.EMPTY_FILE.wireName());
    assertThat(pages).hasSize(4);
    for (int page = 1; page <= 4; page++) {
      JsonObject line = pages.get(page - 1);
      assertThat(line.keySet()).containsExactly("file", "page", "format", "original", "resized", "grid",
          "num_image_tokens", "pixel_values_shape", "pixel_values_sha256");
      assertThat(line.get("page").getAsInt()).isEqualTo(page);
      assertThat(line.get("format").getAsString()).isEqualTo("tiff");
    }
    assertThat(run.err()).contains("builtin:tiny: 65536 to 409600 pixels"); // the default, and its toy limits
  }

  @Test
  void theDefaultIsTheTinyTwinAsHunyuanOcrPreprocessSeesIt() throws Exception {
    assumePillow();
    Path tiny = Path.of("..", "model-loader", "src", "main", "resources", "io", "scriptorium", "model", "tiny");
    Path file = CORPUS.resolve("jpeg-ycck-adobe.jpg");
    JsonObject java = JsonParser.parseString(run("inspect-image", file.toString()).out().strip()).getAsJsonObject();
    JsonObject python = preprocessCli(tiny, file);
    for (String key : KEYS) {
      assertThat(java.get(key)).as(key).isEqualTo(python.get(key));
    }
  }

  @DataTest
  @Test
  void equalsHunyuanOcrPreprocessOnEverySharedPage() throws Exception {
    Path data = SharedData.dir();
    assumePillow();
    Path bundle = bundle(dir.resolve("bundle"), 512L * 512, 2048L * 2048); // the real model's limits
    List<Path> files;
    try (Stream<Path> s = Files.walk(data)) {
      files = s.filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT)
          .matches(".*\\.(png|jpe?g|tiff?|bmp|gif|webp)")).sorted().toList();
    }
    assertThat(files).hasSizeGreaterThan(250);

    Path resized = Files.createDirectories(dir.resolve("resized"));
    Path listing = dir.resolve("pillow.jsonl");
    List<String> command = new ArrayList<>(List.of(PYTHON.toString(), EXPORT.resolve("pillow_pages.py").toString(),
        "--bundle", bundle.toString(), "--resized-dir", resized.toString()));
    files.forEach(f -> command.add(f.toString()));
    Process python = new ProcessBuilder(command).redirectOutput(listing.toFile())
        .redirectError(ProcessBuilder.Redirect.INHERIT).start(); // runs while Java works

    List<String> args = new ArrayList<>(List.of("inspect-image", "--model", bundle.toString()));
    files.forEach(f -> args.add(f.toString()));
    CliRun run = run(args.toArray(String[]::new));
    assertThat(run.exit()).as(run.err()).isZero();
    Map<String, JsonObject> java = new TreeMap<>();
    run.out().lines().map(l -> JsonParser.parseString(l).getAsJsonObject()).forEach(line ->
        java.put(Path.of(URI.create(line.get("file").getAsString())) + "#" + line.get("page").getAsInt(), line));

    assertThat(python.waitFor(15, TimeUnit.MINUTES)).isTrue();
    assertThat(python.exitValue()).isZero();
    Map<String, JsonObject> pillow = new LinkedHashMap<>();
    Map<String, Integer> index = new LinkedHashMap<>();
    List<String> lines = Files.readAllLines(listing, StandardCharsets.UTF_8);
    for (int i = 0; i < lines.size(); i++) {
      JsonObject line = JsonParser.parseString(lines.get(i)).getAsJsonObject();
      String key = Path.of(line.get("file").getAsString()) + "#" + line.get("page").getAsInt();
      pillow.put(key, line);
      index.put(key, i);
    }
    assertThat(java.keySet()).containsExactlyInAnyOrderElementsOf(pillow.keySet());

    Preprocessor preprocessor = Preprocessor.forBundle(bundle.toString());
    int equal = 0;
    int jpegWithin = 0;
    try (PageReader reader = new PageReader(new Configuration(), PageOptions.defaults())) {
      for (Map.Entry<String, JsonObject> e : pillow.entrySet()) {
        JsonObject want = e.getValue();
        JsonObject got = java.get(e.getKey());
        assertThat(want.has("error")).as(e.getKey() + ": " + want).isFalse();
        for (String key : KEYS.subList(0, 5)) {
          assertThat(got.get(key)).as(e.getKey() + " " + key).isEqualTo(want.get(key));
        }
        if (got.get("pixel_values_sha256").equals(want.get("pixel_values_sha256"))) {
          equal++;
          continue;
        }
        assertThat(got.get("format").getAsString()).as(e.getKey() + ": a lossless page must match exactly")
            .isEqualTo("jpeg");
        DecodedPage page = reader.read(new PageRef(got.get("file").getAsString(), got.get("page").getAsInt(),
            "jpeg", null, null));
        byte[] ours = preprocessor.resizedRgb(page.image());
        byte[] theirs = Files.readAllBytes(resized.resolve(index.get(e.getKey()) + ".rgb"));
        int max = 0;
        for (int i = 0; i < ours.length; i++) {
          max = Math.max(max, Math.abs((ours[i] & 0xff) - (theirs[i] & 0xff)));
        }
        System.out.printf("inspect-image vs Pillow: %s: JPEG decoders differ, max |java - pillow| %d after the"
            + " resize%n", e.getKey(), max);
        assertThat(max).as(e.getKey()).isLessThanOrEqualTo(JPEG_MAX_ABS_DIFF);
        jpegWithin++;
      }
    }
    System.out.printf("inspect-image vs hunyuan_ocr.py preprocess on ../shared/data: %d pages, %d equal pixel_values,"
        + " %d JPEG within %d levels (PDF pages are not compared: Pillow does not render PDFs)%n", pillow.size(), equal,
        jpegWithin, JPEG_MAX_ABS_DIFF);
  }

  /** Skips (never passes) when the Python reference cannot run here, saying why. */
  private static void assumePillow() {
    boolean ok = Files.isRegularFile(EXPORT.resolve("pillow_pages.py")) && PythonReference.available();
    assumeTrue(ok, "NOT RUN: the Pillow reference needs " + PYTHON + " with Pillow, numpy and torch (apt-get install -y"
        + " python3-pil python3-numpy python3-torch); without it nothing compares inspect-image with Pillow");
  }

  /** What {@code hunyuan_ocr.py preprocess --bundle B --image F} prints. */
  private static JsonObject preprocessCli(Path bundle, Path image) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(PYTHON.toString(), EXPORT.resolve("hunyuan_ocr.py").toString(), "preprocess",
        "--bundle", bundle.toString(), "--image", image.toString())
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return JsonParser.parseString(out).getAsJsonObject();
  }

  /** The tiny twin's manifest with other pixel limits: a bundle for preprocessing (its own sha is not checked). */
  private static Path bundle(Path dir, long minPixels, long maxPixels) throws IOException {
    Files.createDirectories(dir);
    try (InputStream in = InspectImageCommandTest.class.getClassLoader()
        .getResourceAsStream("io/scriptorium/model/tiny/manifest.json")) {
      JsonObject manifest = JsonParser.parseString(new String(in.readAllBytes(), StandardCharsets.UTF_8))
          .getAsJsonObject();
      manifest.getAsJsonObject("preprocessing").addProperty("min_pixels", minPixels);
      manifest.getAsJsonObject("preprocessing").addProperty("max_pixels", maxPixels);
      Files.writeString(dir.resolve("manifest.json"), manifest.toString(), StandardCharsets.UTF_8);
    }
    return dir;
  }
}
