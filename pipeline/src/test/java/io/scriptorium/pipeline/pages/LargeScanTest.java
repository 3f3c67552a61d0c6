package io.scriptorium.pipeline.pages;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.scriptorium.testing.UnitTest;
import java.awt.Color;
import java.awt.Font;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 600-dpi A4 scan (4960 x 7016 = 34.8 Mpx), as colour PNG, colour JPEG and bilevel CCITT G4 TIFF, written here: the
 * pipeline decodes it in full (no subsampling), prepares it within a small heap, and gets Pillow's pixel values.
 *
 * <p>Each page is read and prepared in a child JVM limited to {@value #HEAP} of heap ({@link LargeScanProbe}), which
 * prints its peak heap. Measured (JDK 17, G1): about 210-245 MB: the 104 MB RGB page (3 bytes a pixel), the
 * horizontally resized rows (36 MB), the resized page (12 MB), the model input (50 MB of floats) and the JVM's own
 * ~24 MB.
 */
@UnitTest
class LargeScanTest {
  static final int WIDTH = 4960;
  static final int HEIGHT = 7016;
  static final String HEAP = "300m";

  @TempDir
  static Path dir;

  private static final Map<String, JsonObject> probes = new LinkedHashMap<>();
  private static Path bundle;

  @BeforeAll
  static void writeScans() throws IOException {
    bundle = PillowPages.bundle(dir.resolve("bundle"), PillowPages.REAL_MIN_PIXELS, PillowPages.REAL_MAX_PIXELS);
    BufferedImage colour = colourPage();
    ImageIO.write(colour, "png", dir.resolve("a4-600dpi.png").toFile());
    ImageIO.write(colour, "jpeg", dir.resolve("a4-600dpi.jpg").toFile());
    colour = null;
    writeG4(bilevelPage(), dir.resolve("a4-600dpi-g4.tif").toFile());
  }

  @Test
  void decodesInFullWithinASmallHeap() throws Exception {
    for (String name : List.of("a4-600dpi.png", "a4-600dpi.jpg", "a4-600dpi-g4.tif")) {
      JsonObject probe = probe(name);
      System.out.printf("%s: %s%n", name, probe);
      assertThat(probe.get("image_width").getAsInt()).isEqualTo(WIDTH); // never subsampled
      assertThat(probe.get("image_height").getAsInt()).isEqualTo(HEIGHT);
      assertThat(probe.get("image_type").getAsInt()).isEqualTo(BufferedImage.TYPE_3BYTE_BGR);
      assertThat(probe.getAsJsonArray("resized").get(0).getAsInt()).isEqualTo(1696); // one bicubic resize to 4.1 Mpx
      assertThat(probe.getAsJsonArray("resized").get(1).getAsInt()).isEqualTo(2432);
      assertThat(probe.get("peak_heap_mb").getAsDouble()).isLessThan(300);
    }
  }

  @Test
  void matchesPillow() throws Exception {
    PillowPages.assumeAvailable();
    List<Path> files = List.of(dir.resolve("a4-600dpi.png"), dir.resolve("a4-600dpi.jpg"),
        dir.resolve("a4-600dpi-g4.tif"));
    List<JsonObject> pillow = PillowPages.run(bundle, null, null, files);
    assertThat(pillow).hasSize(3);
    for (int i = 0; i < files.size(); i++) {
      JsonObject want = pillow.get(i);
      JsonObject got = probe(files.get(i).getFileName().toString());
      assertThat(want.getAsJsonArray("original").get(0).getAsInt()).isEqualTo(WIDTH);
      assertThat(got.get("pixel_values_sha256").getAsString()).as(files.get(i).getFileName().toString())
          .isEqualTo(want.get("pixel_values_sha256").getAsString());
    }
  }

  /** LargeScanProbe's JSON for one file, run once in a child JVM with {@value #HEAP} of heap. */
  private static synchronized JsonObject probe(String name) throws IOException, InterruptedException {
    JsonObject known = probes.get(name);
    if (known != null) {
      return known;
    }
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx" + HEAP, "-cp", System.getProperty("java.class.path"), LargeScanProbe.class.getName(),
        dir.resolve(name).toString(), bundle.toString()));
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
    assertThat(p.exitValue()).as(name + " in " + HEAP + " of heap: " + out).isZero();
    String last = out.strip().lines().reduce((a, b) -> b).orElseThrow();
    JsonObject probe = JsonParser.parseString(last).getAsJsonObject();
    probes.put(name, probe);
    return probe;
  }

  /** Text lines on tinted paper and a colour gradient block: chroma for the JPEG, edges for the resize. */
  static BufferedImage colourPage() {
    BufferedImage page = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = page.createGraphics();
    g.setColor(new Color(246, 242, 230));
    g.fillRect(0, 0, WIDTH, HEIGHT);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setFont(new Font(Font.SERIF, Font.PLAIN, 60));
    g.setColor(new Color(30, 30, 40));
    for (int y = 300; y < HEIGHT - 300; y += 110) {
      g.drawString("Line " + y + ": the quick brown fox jumps over the lazy dog 0123456789", 300, y);
    }
    g.setPaint(new GradientPaint(0, 0, new Color(200, 30, 30), WIDTH, HEIGHT, new Color(20, 60, 200)));
    g.fillRect(3000, 1000, 1500, 1200);
    g.dispose();
    return page;
  }

  static BufferedImage bilevelPage() {
    BufferedImage page = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_BYTE_BINARY);
    Graphics2D g = page.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, WIDTH, HEIGHT);
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SERIF, Font.PLAIN, 60));
    for (int y = 300; y < HEIGHT - 300; y += 110) {
      g.drawString("Line " + y + ": the quick brown fox jumps over the lazy dog", 300, y);
    }
    g.dispose();
    return page;
  }

  private static void writeG4(BufferedImage page, File file) throws IOException {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("tiff").next();
    ImageWriteParam param = writer.getDefaultWriteParam();
    param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
    param.setCompressionType("CCITT T.6");
    try (ImageOutputStream out = ImageIO.createImageOutputStream(file)) {
      writer.setOutput(out);
      writer.write(null, new IIOImage(page, null, null), param);
    } finally {
      writer.dispose();
    }
  }
}
