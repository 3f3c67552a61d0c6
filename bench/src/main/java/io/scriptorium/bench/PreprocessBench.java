package io.scriptorium.bench;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.scriptorium.model.OcrRuntime;
import io.scriptorium.model.PreparedImage;
import io.scriptorium.model.RuntimeConfig;
import io.scriptorium.pipeline.pages.DecodedPage;
import io.scriptorium.pipeline.pages.PageOptions;
import io.scriptorium.pipeline.pages.PageReader;
import io.scriptorium.pipeline.pages.PageRef;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;

/**
 * Preprocessing throughput per core on the shared scans: the Java path (the pipeline's page decoding, then
 * {@link OcrRuntime#prepare}: RGB, smart_resize, Pillow-exact bicubic, normalise, patchify) on one thread, against
 * {@code bench/preprocess_pillow.py} (Pillow + numpy, the same steps) run right after on the same files. Both use
 * the real model's pixel limits (512²..2048²), not the tiny twin's.
 */
final class PreprocessBench {
  private PreprocessBench() {}

  static void run(BenchContext ctx) throws Exception {
    Figures f = ctx.figures();
    if (ctx.data() == null) {
      f.missing("preprocess_vs_pillow_ratio", "x", "skipped: ../shared/data not found (give --data)");
      return;
    }
    List<Path> files = scans(ctx.data(), ctx.quick());
    int rounds = ctx.quick() ? 1 : 3;
    Path bundle = TinyBundles.withRealPreprocessing(ctx.scratch("preprocess-bundle"));
    String what = files.size() + " scans of ../shared/data (OmniDocBench JPEG, PubTabNet PNG, Tesseract TIFF/PNG,"
        + " OCRmyPDF PNG, im2latex PNG; up to 4000x2864), " + rounds + " rounds after 1 warm-up, 1 thread";
    ctx.log("preprocess: Java on %d files x %d rounds", files.size(), rounds);

    double decodeNs = 0;
    double prepareNs = 0;
    long cpu;
    long wall;
    try (OcrRuntime runtime = OcrRuntime.open(RuntimeConfig.defaults().withBundle(bundle.toString()));
        PageReader reader = new PageReader(new Configuration(), PageOptions.defaults())) {
      for (Path file : files) {
        prepare(runtime, reader, file);
      }
      long cpu0 = Host.processCpuNanos();
      long wall0 = System.nanoTime();
      for (int r = 0; r < rounds; r++) {
        for (Path file : files) {
          long[] t = prepare(runtime, reader, file);
          decodeNs += t[0];
          prepareNs += t[1];
        }
      }
      wall = System.nanoTime() - wall0;
      cpu = Host.processCpuNanos() - cpu0;
    }
    int pages = files.size() * rounds;
    double javaCpu = pages / (cpu / 1e9);
    double javaWall = pages / (wall / 1e9);
    f.add("preprocess_pages_per_s_java", javaCpu, "pages/s", "per core = pages / process CPU seconds; " + what
        + String.format(Locale.ROOT, "; wall ms/page: decode %.1f, resize+normalise+patchify %.1f", decodeNs / 1e6 / pages,
            prepareNs / 1e6 / pages) + "; JPEG/PNG decoder: " + PageReader.jpegPngDecoder() + "; "
        + Host.describe());
    f.add("preprocess_pages_per_s_java_wall", javaWall, "pages/s", "same run, pages / wall seconds (load-sensitive)");

    ctx.log("preprocess: Pillow + numpy on the same files");
    JsonObject py;
    try {
      py = pillow(ctx, bundle.resolve("manifest.json"), files, rounds);
    } catch (IOException | RuntimeException e) {
      f.missing("preprocess_pages_per_s_pillow", "pages/s", "skipped: " + e.getMessage());
      f.missing("preprocess_vs_pillow_ratio", "x", "no Pillow reference (needs python3 with Pillow and numpy)");
      return;
    }
    double pyCpu = py.get("pages_per_s_cpu").getAsDouble();
    double pyWall = py.get("pages_per_s_wall").getAsDouble();
    JsonObject stages = py.getAsJsonObject("stage_cpu_ms_per_page");
    String versions = "Python " + py.get("python").getAsString() + ", Pillow " + py.get("pillow").getAsString()
        + ", numpy " + py.get("numpy").getAsString() + String.format(Locale.ROOT, "; CPU ms/page: decode %.1f, resize"
        + " %.1f, normalise+patchify %.1f", stages.get("decode").getAsDouble(), stages.get("resize").getAsDouble(),
        stages.get("normalise_patchify").getAsDouble());
    f.add("preprocess_pages_per_s_pillow", pyCpu, "pages/s", "reference: bench/preprocess_pillow.py, same files,"
        + " rounds and steps, process CPU seconds; " + versions + "; " + Host.describe());
    f.add("preprocess_pages_per_s_pillow_wall", pyWall, "pages/s", "same run, wall seconds");
    f.add("preprocess_vs_pillow_ratio", javaCpu / pyCpu, "x", "Java / Pillow pages per CPU second; target >= 1.0"
        + " (wall-clock ratio " + String.format(Locale.ROOT, "%.2f", javaWall / pyWall) + ")");
  }

  /** {decode ns, prepare ns} of one file. */
  private static long[] prepare(OcrRuntime runtime, PageReader reader, Path file) throws Exception {
    DecodedPage page = reader.read(new PageRef(file.toUri().toString(), 1, "unknown", null, null));
    PreparedImage image = runtime.prepare(page.image());
    return new long[] {page.decodeNanos(), image.preprocessNanos()};
  }

  private static JsonObject pillow(BenchContext ctx, Path manifest, List<Path> files, int rounds)
      throws IOException, InterruptedException {
    Path script = ctx.repo() == null ? null : ctx.repo().resolve("bench/preprocess_pillow.py");
    if (script == null || !Files.isRegularFile(script)) {
      throw new IOException("bench/preprocess_pillow.py not found (run from the repository)");
    }
    Path list = ctx.scratch("preprocess-bundle").resolve("files.txt");
    Files.write(list, files.stream().map(Path::toString).toList(), StandardCharsets.UTF_8);
    Path out = list.resolveSibling("pillow.json");
    Process p = new ProcessBuilder(Host.python(), script.toString(), "--manifest", manifest.toString(), "--files",
        list.toString(), "--rounds", String.valueOf(rounds), "--warmup", "1")
        .redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    if (!p.waitFor(60, TimeUnit.MINUTES) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IOException(Host.python() + " " + script + " failed (exit " + (p.isAlive() ? "timeout" : p.exitValue())
          + ")");
    }
    return JsonParser.parseString(Files.readString(out, StandardCharsets.UTF_8).strip()).getAsJsonObject();
  }

  /** The scans: every OmniDocBench, PubTabNet, Tesseract and OCRmyPDF image, and the first im2latex pages. */
  static List<Path> scans(Path data, boolean quick) throws IOException {
    List<Path> files = new ArrayList<>();
    files.addAll(list(data.resolve("omnidocbench-demo/images"), quick ? 2 : Integer.MAX_VALUE));
    files.addAll(list(data.resolve("pubtabnet/images"), quick ? 1 : Integer.MAX_VALUE));
    files.addAll(list(data.resolve("tesseract-testing"), quick ? 1 : Integer.MAX_VALUE));
    files.addAll(list(data.resolve("ocrmypdf-resources"), quick ? 0 : Integer.MAX_VALUE));
    files.addAll(list(data.resolve("im2latex-sample/images"), quick ? 1 : 10));
    if (files.isEmpty()) {
      throw new IOException("no scans under " + data);
    }
    return files;
  }

  private static List<Path> list(Path dir, int limit) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).matches(".*\\.(png|jpe?g|tiff?)"))
          .sorted().limit(limit).toList();
    }
  }

  static String pct(double fraction) {
    return String.format(Locale.ROOT, "%.0f%%", 100 * fraction);
  }
}
