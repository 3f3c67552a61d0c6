package io.scriptorium.pipeline.pages;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import io.scriptorium.model.PreparedImage;
import io.scriptorium.model.Preprocessor;
import io.scriptorium.model.RgbRows;
import io.scriptorium.testing.UnitTest;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kind of file the pipeline reads decodes to Pillow's pixels, and prepares to Pillow's {@code pixel_values}.
 *
 * <p>The files: {@code src/test/resources/pixels/} (one small page in every format and flavour, written by its
 * {@code make_corpus.py} with Pillow, ImageMagick, tiffcp and cjpeg), plus files embedding ICC profiles written here
 * (the profile comes from the JVM: linear RGB, which a colour-managing decoder would visibly brighten; a CMYK profile
 * when the machine has Ghostscript's). For every page: the pipeline's decoded RGB against Pillow's
 * {@code convert("RGB")} bytes, and the sha256 of the prepared pixel values (real-model limits: 512² to 2048²)
 * against {@code pixel_values_sha256} of the Python reference. Both must be equal, with two stated exceptions:
 *
 * <ul>
 *   <li><b>Lossy WebP</b>: TwelveMonkeys' pure-Java VP8 decoder reconstructs chroma differently from libwebp (measured
 *       on this page: max 95, mean 4.3 levels before the resize), and no Java decoder reproduces libwebp; the test
 *       bounds the mean difference by {@value #WEBP_LOSSY_MAX_MEAN} levels and prints the figures.
 *   <li><b>16-bit grey</b>: Pillow opens it in mode {@code I} and {@code convert("RGB")} clips every value over 255,
 *       so a real 16-bit scan becomes a white page; the pipeline does the same (the official processor's pixels).
 * </ul>
 *
 * <p>Skipped (with the reason) when {@code /usr/bin/python3} lacks Pillow, numpy or torch; never passes without them.
 */
@UnitTest
class PillowPixelsTest {
  /** Mean absolute difference allowed for lossy WebP, in 8-bit levels, over all samples before the resize. */
  static final double WEBP_LOSSY_MAX_MEAN = 6.0;

  private static final String WEBP_LOSSY = "webp-lossy.webp";
  private static final String GREY_16 = "png-grey16.png";
  private static final String ICC_CMYK = "/usr/share/color/icc/ghostscript/default_cmyk.icc";

  @TempDir
  static Path work;

  private static Map<String, Page> pillow;
  private static Preprocessor preprocessor;
  private static PageReader reader;

  /** A page as Pillow sees it: pillow_pages.py's JSON and the convert("RGB") bytes. */
  record Page(JsonObject json, byte[] rgb) {}

  @BeforeAll
  static void runPillow() throws Exception {
    PillowPages.assumeAvailable();
    Path bundle = PillowPages.bundle(work.resolve("bundle"), PillowPages.REAL_MIN_PIXELS, PillowPages.REAL_MAX_PIXELS);
    preprocessor = Preprocessor.forBundle(bundle.toString());
    reader = new PageReader(new Configuration(), PageOptions.defaults());
    Path rgb = Files.createDirectories(work.resolve("rgb"));
    List<Path> files = files();
    List<JsonObject> lines = PillowPages.run(bundle, rgb, null, files);
    pillow = new LinkedHashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      JsonObject line = lines.get(i);
      String name = Path.of(line.get("file").getAsString()).getFileName().toString();
      pillow.put(name + "#" + line.get("page").getAsInt(), new Page(line, Files.readAllBytes(rgb.resolve(i + ".rgb"))));
    }
  }

  @AfterAll
  static void close() {
    if (reader != null) {
      reader.close();
    }
  }

  /** The committed corpus plus the ICC files written now. */
  static List<Path> files() throws IOException, URISyntaxException, InterruptedException {
    List<Path> files = new ArrayList<>(corpus());
    Path icc = Files.createDirectories(work.resolve("icc"));
    Path linear = icc.resolve("linear-rgb.icc");
    Files.write(linear, ICC_Profile.getInstance(ColorSpace.CS_LINEAR_RGB).getData());
    makeIccFiles(linear, icc);
    if (Files.isRegularFile(Path.of(ICC_CMYK))) {
      makeIccFiles(Path.of(ICC_CMYK), icc);
    } else {
      System.out.println("PillowPixelsTest: no CMYK ICC profile at " + ICC_CMYK + " (Ghostscript), so no CMYK file"
          + " with an embedded profile; CMYK files without one are tested, and the profile is never read");
    }
    try (Stream<Path> s = Files.list(icc)) {
      s.filter(p -> !p.toString().endsWith(".icc")).sorted().forEach(files::add);
    }
    return files;
  }

  static List<Path> corpus() throws IOException, URISyntaxException {
    Path dir = Path.of(PillowPixelsTest.class.getClassLoader().getResource("pixels").toURI());
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> !p.getFileName().toString().endsWith(".py")).sorted().toList();
    }
  }

  private static void makeIccFiles(Path profile, Path out) throws IOException, InterruptedException {
    Path script = Path.of(PillowPixelsTest.class.getClassLoader().getResource("pixels/make_corpus.py").getPath());
    Process p = new ProcessBuilder(PillowPages.PYTHON.toString(), script.toString(), "--icc", profile.toString(),
        out.toString()).inheritIO().start();
    assertThat(p.waitFor(2, TimeUnit.MINUTES) && p.exitValue() == 0).as("make_corpus.py --icc " + profile).isTrue();
  }

  static List<String> pages() {
    return new ArrayList<>(pillow.keySet());
  }

  @Test
  void everyFileHasThePagesPillowSees() throws Exception {
    Configuration conf = new Configuration();
    int javaPages = 0;
    for (Path file : files()) {
      List<PageRef> refs = PageSources.expand(new SourceFile(file.toUri().toString(), 0, 0), conf,
          PageOptions.defaults());
      assertThat(refs).as(file.getFileName().toString()).allSatisfy(r -> assertThat(r.failed()).isFalse());
      for (PageRef ref : refs) {
        assertThat(pillow).containsKey(file.getFileName() + "#" + ref.pageNo());
      }
      javaPages += refs.size();
    }
    assertThat(javaPages).isEqualTo(pillow.size());
    assertThat(pillow).containsKeys("tiff-multipage.tif#4", "icc-rgb.jpg#1", "icc-rgb.png#1", "icc-rgb.tif#1")
        .doesNotContainKey("gif-animated.gif#2"); // GIF and WebP: the first frame, on both sides
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("pages")
  void decodesAndPreparesAsPillow(String key) throws Exception {
    Page want = pillow.get(key);
    JsonObject json = want.json();
    String name = key.substring(0, key.indexOf('#'));
    Path file = Path.of(json.get("file").getAsString());
    DecodedPage page = reader.read(new PageRef(file.toUri().toString(), json.get("page").getAsInt(), "unknown", null,
        null));
    byte[] rgb = rgb(page.image());
    assertThat(rgb.length).as("decoded size").isEqualTo(want.rgb().length);
    PreparedImage image = preprocessor.prepare(page.image());
    assertThat(List.of(image.originalWidth(), image.originalHeight())).isEqualTo(ints(json, "original"));
    assertThat(List.of(image.resizedWidth(), image.resizedHeight())).isEqualTo(ints(json, "resized"));
    assertThat(List.of(image.gridH(), image.gridW())).isEqualTo(ints(json, "grid"));
    assertThat(preprocessor.imageTokens(image)).isEqualTo(json.get("num_image_tokens").getAsInt());

    if (name.equals(WEBP_LOSSY)) {
      double mean = meanAbsDiff(rgb, want.rgb());
      System.out.printf(Locale.ROOT, "%s: not bit-exact (TwelveMonkeys VP8 vs libwebp): max |java - pillow| %d,"
          + " mean %.2f levels before the resize; prepared pixels %s%n", name, maxAbsDiff(rgb, want.rgb()), mean,
          image.pixelValuesSha256().equals(json.get("pixel_values_sha256").getAsString()) ? "equal" : "differ");
      assertThat(mean).isLessThanOrEqualTo(WEBP_LOSSY_MAX_MEAN);
      return;
    }
    if (name.equals(GREY_16)) {
      Raster raw = ImageIO.read(file.toFile()).getRaster(); // the 16-bit samples
      for (int i = 0, y = 0; y < raw.getHeight(); y++) {
        for (int x = 0; x < raw.getWidth(); x++, i += 3) {
          int v = raw.getSample(x, y, 0);
          assertThat(rgb[i] & 0xff).isEqualTo(Math.min(v, 255)); // pipeline: clipped as Pillow
          assertThat(want.rgb()[i] & 0xff).isEqualTo(Math.min(v, 255)); // Pillow: clipped (a white page)
        }
      }
      return;
    }
    assertThat(maxAbsDiff(rgb, want.rgb())).as("max |java - pillow| of the decoded RGB").isZero();
    assertThat(image.pixelValuesSha256()).isEqualTo(json.get("pixel_values_sha256").getAsString());
  }

  @Test
  void theDriverPrintsWhatHunyuanOcrPreprocessPrints() throws Exception {
    Path bundle = work.resolve("bundle");
    for (String name : List.of("jpeg-ycck-adobe.jpg", "png-palette-trns.png", "tiff-rgba-associated.tif")) {
      Path file = corpus().stream().filter(p -> p.getFileName().toString().equals(name)).findFirst().orElseThrow();
      JsonObject cli = PillowPages.preprocessCli(bundle, file);
      JsonObject driver = pillow.get(name + "#1").json();
      for (String key : List.of("original", "resized", "grid", "num_image_tokens", "pixel_values_shape",
          "pixel_values_sha256")) {
        assertThat(driver.get(key)).as(name + " " + key).isEqualTo(cli.get(key));
      }
    }
  }

  /** All rows as R, G, B bytes. */
  static byte[] rgb(BufferedImage image) {
    RgbRows rows = RgbRows.of(image);
    int w = image.getWidth();
    byte[] out = new byte[w * image.getHeight() * 3];
    byte[] line = new byte[w * 3];
    for (int y = 0; y < image.getHeight(); y++) {
      rows.read(y, line);
      System.arraycopy(line, 0, out, y * line.length, line.length);
    }
    return out;
  }

  static int maxAbsDiff(byte[] a, byte[] b) {
    int max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs((a[i] & 0xff) - (b[i] & 0xff)));
    }
    return max;
  }

  static double meanAbsDiff(byte[] a, byte[] b) {
    long sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += Math.abs((a[i] & 0xff) - (b[i] & 0xff));
    }
    return (double) sum / a.length;
  }

  private static List<Integer> ints(JsonObject json, String key) {
    List<Integer> out = new ArrayList<>();
    json.getAsJsonArray(key).forEach(e -> out.add(e.getAsInt()));
    return out;
  }
}
