package io.scriptorium.udfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.scriptorium.pipeline.SparkTestSession;
import io.scriptorium.pipeline.report.PageReport;
import io.scriptorium.testing.SparkTest;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Attribute;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;

/**
 * The report over a pipeline-written warehouse whose magenta page carries hostile model output: checked as files,
 * then rendered by headless Chromium (screenshot: the page drew, the page image loaded; DOM after load: no script
 * ran, no event handler got through). Skipped only when {@code /usr/bin/chromium} is absent.
 */
@SparkTest
class PageReportTest {
  private static final Path CHROMIUM = Paths.get("/usr/bin/chromium");
  private static final int WIDTH = 1280;
  private static final int HEIGHT = 2000;

  @Test
  void reportFilesAreStaticEscapedAndComplete() throws IOException {
    Report report = report();
    assertThat(report.summary.pages()).isEqualTo(4);
    assertThat(report.summary.ok()).isEqualTo(3);
    assertThat(report.summary.failed()).isEqualTo(1);
    assertThat(report.summary.images()).isEqualTo(3);

    Document index = Jsoup.parse(report.dir.resolve("index.html").toFile(), "UTF-8");
    assertThat(index.selectFirst("#count-pages").text()).isEqualTo("4");
    assertThat(index.selectFirst("#count-failed").text()).isEqualTo("1");
    assertThat(index.select("a[href^=page-]")).hasSize(4);

    Document hostile = Jsoup.parse(report.dir.resolve("page-0001.html").toFile(), "UTF-8");
    assertStatic(hostile);
    assertThat(hostile.select("img")).hasSize(1);
    Path image = report.dir.resolve(hostile.selectFirst("img").attr("src"));
    BufferedImage png = ImageIO.read(image.toFile());
    assertThat(png.getWidth()).isEqualTo(480);
    assertThat(hostile.select("svg rect.spot")).isNotEmpty();
    assertThat(hostile.select("svg rect.spot title").eachText()).contains(TestWarehouse.HOSTILE_SPOT);
    assertThat(hostile.select("table td").eachText()).contains("cell", "total"); // from the sanitised table
    assertThat(hostile.select("td[onclick]")).isEmpty();
    assertThat(hostile.select("pre.latex").text()).contains("\\frac{a}{</pre><script>");
    assertThat(hostile.text()).contains("document.title='pwned'"); // shown as text, not run

    Document failed = Jsoup.parse(report.dir.resolve("page-0004.html").toFile(), "UTF-8");
    assertStatic(failed);
    assertThat(failed.select(".failure").text()).contains("d-broken.png");
    assertThat(failed.select("img")).isEmpty();
  }

  private static void assertStatic(Document doc) {
    Element csp = doc.selectFirst("meta[http-equiv=Content-Security-Policy]");
    assertThat(csp).isNotNull();
    assertThat(csp.attr("content")).startsWith("default-src 'none'; img-src 'self';").doesNotContain("script-src");
    assertThat(doc.select("script, iframe, object, embed, link, base, form")).isEmpty();
    for (Element e : doc.getAllElements()) {
      for (Attribute a : e.attributes()) {
        assertThat(a.getKey()).as(e.tagName()).doesNotStartWith("on");
        assertThat(a.getValue().toLowerCase(java.util.Locale.ROOT)).as(e.tagName()).doesNotContain("javascript:");
      }
    }
  }

  @Test
  void chromiumRendersTheReportAndRunsNoModelScript() throws Exception {
    assumeTrue(Files.isExecutable(CHROMIUM),
        "Skipped: /usr/bin/chromium is absent (Debian: apt-get install -y chromium; .ci/run installs it)");
    Report report = report();
    Path work = SparkTestSession.newDirectory("chromium-");

    // The harness can see a script run: a page without CSP whose script renames it.
    Path control = work.resolve("control.html");
    Files.writeString(control, "<!DOCTYPE html><html><head><title>start</title></head><body><p>x</p>"
        + "<script>document.title='pwned'</script></body></html>", StandardCharsets.UTF_8);
    assertThat(Jsoup.parse(chromium(work, "--dump-dom", control.toUri().toString())).title()).isEqualTo("pwned");

    Path page = report.dir.resolve("page-0001.html");
    Document dom = Jsoup.parse(chromium(work, "--dump-dom", page.toUri().toString()));
    assertThat(dom.title()).isEqualTo("Scriptorium report: a-magenta.png page 1");
    assertThat(dom.select("[onerror], [onclick], [onload]")).isEmpty();
    assertThat(dom.select("script")).isEmpty();
    assertThat(dom.select("img")).hasSize(1);
    assertThat(dom.text()).contains("document.title='pwned'");

    BufferedImage shot = screenshot(work, page, "page.png");
    assertThat(distinctColours(shot)).as("a drawn page, not a blank one").isGreaterThan(50);
    // the page image (magenta) appears under its box overlay: it loaded despite the CSP
    assertThat(count(shot, 220, 20, 200, 40)).as("magenta page-image pixels").isGreaterThan(50_000);

    BufferedImage failed = screenshot(work, report.dir.resolve("page-0004.html"), "failed.png");
    assertThat(count(failed, 220, 20, 200, 40)).isZero();
    assertThat(count(failed, 0xfd, 0xec, 0xea, 3)).as("the failure panel").isGreaterThan(1000);

    BufferedImage index = screenshot(work, report.dir.resolve("index.html"), "index.png");
    assertThat(distinctColours(index)).isGreaterThan(10);

    String docs = System.getProperty("scriptorium.report.screenshot");
    if (docs != null) { // mvn test -Dscriptorium.report.screenshot=$PWD/../docs/report.png refreshes the README picture
      screenshot(work, report.dir.resolve("page-0002.html"), "docs.png");
      Files.copy(work.resolve("docs.png"), Paths.get(docs), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private record Report(Path dir, PageReport.Summary summary) {}

  private static Report report;

  private static synchronized Report report() {
    if (report == null) {
      TestWarehouse warehouse = TestWarehouse.get();
      Path dir = SparkTestSession.newDirectory("report-");
      report = new Report(dir, PageReport.write(TestSessions.get(), warehouse.uri, "collection = 'tests'", dir, 100));
    }
    return report;
  }

  private static BufferedImage screenshot(Path work, Path page, String name) throws Exception {
    Path file = work.resolve(name);
    chromium(work, "--screenshot=" + file, "--window-size=" + WIDTH + "," + HEIGHT, "--hide-scrollbars",
        page.toUri().toString());
    BufferedImage image = ImageIO.read(file.toFile());
    assertThat(image).as(name).isNotNull();
    assertThat(image.getWidth()).isEqualTo(WIDTH);
    assertThat(image.getHeight()).isEqualTo(HEIGHT);
    return image;
  }

  /** Runs headless Chromium with a fresh profile and no network services; returns its standard output. */
  private static String chromium(Path work, String... args) throws Exception {
    Path profile = Files.createTempDirectory(work, "profile-");
    List<String> command = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--disable-dev-shm-usage", "--user-data-dir=" + profile));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectError(work.resolve("chromium-stderr.log").toFile()).start();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (InputStream in = process.getInputStream()) {
      in.transferTo(out);
    }
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("chromium did not finish in 120 s: " + command);
    }
    assertThat(process.exitValue()).as("chromium exit status; stderr in " + work).isZero();
    return out.toString(StandardCharsets.UTF_8);
  }

  private static int distinctColours(BufferedImage image) {
    Set<Integer> colours = new HashSet<>();
    for (int y = 0; y < image.getHeight(); y += 3) {
      for (int x = 0; x < image.getWidth(); x += 3) {
        colours.add(image.getRGB(x, y) & 0xffffff);
      }
    }
    return colours.size();
  }

  private static int count(BufferedImage image, int r, int g, int b, int tolerance) {
    int n = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        int rgb = image.getRGB(x, y);
        if (Math.abs(((rgb >> 16) & 0xff) - r) <= tolerance && Math.abs(((rgb >> 8) & 0xff) - g) <= tolerance
            && Math.abs((rgb & 0xff) - b) <= tolerance) {
          n++;
        }
      }
    }
    return n;
  }
}
