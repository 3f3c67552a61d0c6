package io.scriptorium.pipeline.pages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scriptorium.model.Sha256;
import io.scriptorium.pipeline.vocab.ErrorClass;
import io.scriptorium.testing.UnitTest;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@UnitTest
class BadInputCorpusTest {
  @TempDir
  static Path dir;

  private static final Configuration CONF = new Configuration();

  @BeforeAll
  static void writeCorpus() throws IOException {
    BadInputCorpus.write(dir);
  }

  static Stream<BadInputCorpus.Expected> corpus() {
    return BadInputCorpus.expected().stream();
  }

  private static String uri(String name) {
    return dir.resolve(name).toUri().toString();
  }

  private static PageRun run(String name) {
    return PageRun.of(uri(name), CONF, PageOptions.defaults());
  }

  @Test
  void expectationsCoverExactlyTheFilesWritten() throws IOException {
    Set<String> written;
    try (Stream<Path> files = Files.list(dir)) {
      written = files.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
    }
    assertThat(written).containsExactlyInAnyOrderElementsOf(
        BadInputCorpus.expected().stream().map(BadInputCorpus.Expected::fileName).toList());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void everyFileGivesItsExpectedOutcome(BadInputCorpus.Expected expected) {
    String uri = uri(expected.fileName());
    PageRun run = run(expected.fileName());
    System.out.printf("corpus %-28s %-5s pages=%d %s%n", expected.fileName(), run.format(), run.refs().size(),
        run.ok() ? "ok" : run.failures().get(0).errorClass().wireName() + " | " + run.failures().get(0).getMessage());

    assertThat(run.refs()).hasSize(expected.pages());
    assertThat(run.format()).isEqualTo(expected.format());
    if (expected.ok()) {
      assertThat(run.failures()).isEmpty();
      assertThat(run.decoded()).hasSize(expected.pages());
      for (DecodedPage page : run.decoded()) {
        assertThat(page.image().getType()).isIn(BufferedImage.TYPE_3BYTE_BGR, BufferedImage.TYPE_INT_RGB);
        assertThat(page.image().getWidth()).isEqualTo(page.width());
        assertThat(page.image().getHeight()).isEqualTo(page.height());
        assertThat(page.contentSha256()).matches("[0-9a-f]{64}");
        assertThat(page.decodeNanos()).isPositive();
      }
    } else {
      assertThat(run.failures()).hasSize(1);
      PageFailure failure = run.failures().get(0);
      assertThat(failure.errorClass()).isEqualTo(expected.errorClass());
      assertThat(failure.getMessage()).contains(uri);
      PageRef ref = run.refs().get(0);
      if (ref.failed()) { // failed while listing pages: the ref carries the same class and message
        assertThat(ref.errorClass()).isEqualTo(expected.errorClass());
        assertThat(ref.errorMessage()).isEqualTo(failure.getMessage());
      } else { // failed while decoding: the message names the page too
        assertThat(failure.getMessage()).startsWith(uri + " page 1: ");
      }
    }
  }

  @Test
  void messagesSayWhatIsWrong() {
    assertThat(run("bomb-100000x100000.png").failures().get(0))
        .hasMessageContaining("100000 x 100000 = 10000000000 pixels, over the limit of 178956970");
    assertThat(run("one-pixel.png").failures().get(0)).hasMessageContaining("1 x 1 pixels");
    assertThat(run("truncated.jpg").failures().get(0)).hasMessageContaining("truncated");
    assertThat(run("notes.txt").failures().get(0)).hasMessageContaining("starts with 4d 69 6e 75");
    assertThat(run("random-bytes.png").failures().get(0)).hasMessageContaining("named as png");
    assertThat(run("encrypted.pdf").failures().get(0)).hasMessageContaining("password");
    assertThat(run("empty.png").failures().get(0)).hasMessage(uri("empty.png") + ": file is empty (0 bytes)");
  }

  @Test
  void sixteenBitRgbKeepsTheHighByteAndGreyClipsAsPillow() {
    BufferedImage rgb = single("rgb-16bit.png").image();
    int w = rgb.getWidth();
    int h = rgb.getHeight();
    assertThat(rgb.getRGB(0, 0)).isEqualTo(0xFF00AB00);
    assertThat(rgb.getRGB(w - 1, h - 1) & 0xFFFFFF)
        .isEqualTo(((w - 1) * 65535 / w >> 8) << 16 | 0xAB << 8 | (h - 1) * 65535 / h >> 8);

    BufferedImage grey = single("grey-16bit.png").image();
    int v = Math.min((60 + 45) * 65535 / (120 + 90), 255); // Pillow's mode I: clipped, not scaled
    assertThat(grey.getRGB(60, 45) & 0xFFFFFF).isEqualTo(v << 16 | v << 8 | v);
    assertThat(grey.getRGB(0, 0) & 0xFFFFFF).isZero();
  }

  @Test
  void alphaIsDroppedNotComposited() {
    BufferedImage palette = single("palette-transparent.png").image();
    assertThat(palette.getRGB(95, 10) & 0xFFFFFF).isEqualTo(0x00B400); // the transparent entry's own colour
    assertThat(palette.getRGB(5, 10) & 0xFFFFFF).isEqualTo(0xFFFFFF);
    assertThat(palette.getRGB(35, 10) & 0xFFFFFF).isEqualTo(0x000000);

    BufferedImage rgba = single("rgba.png").image();
    assertThat(rgba.getRGB(0, 0) & 0xFFFFFF).isEqualTo(0x102030); // alpha 0 there
    assertThat(rgba.getRGB(119, 89) & 0xFFFFFF).isEqualTo(0x102030);

    BufferedImage greyAlpha = single("grey-alpha.png").image();
    int v = 60 * 255 / 120;
    assertThat(greyAlpha.getRGB(60, 0) & 0xFFFFFF).isEqualTo(v << 16 | v << 8 | v);
  }

  @Test
  void cmykBecomesRgb() {
    BufferedImage tiff = single("cmyk.tif").image();
    assertThat(brightness(tiff.getRGB(0, 0))).isGreaterThan(200); // no ink: white
    assertThat(tiff.getRGB(100, 10)).isNotEqualTo(tiff.getRGB(0, 10)); // cyan and some black on the right

    BufferedImage jpeg = single("cmyk.jpg").image();
    assertThat(jpeg.getWidth()).isEqualTo(120);
    assertThat(jpeg.getRGB(100, 40)).isNotEqualTo(jpeg.getRGB(10, 40));
  }

  @Test
  void losslessWebpDecodes() {
    DecodedPage page = single("lossless.webp");
    assertThat(page.width()).isEqualTo(40);
    assertThat(page.height()).isEqualTo(30);
    assertThat(page.image().getRGB(17, 11) & 0xFFFFFF).isEqualTo(200 << 16 | 100 << 8 | 50);
  }

  @Test
  void everyPageOfAMultiPageTiffIsItsOwnImage() {
    PageRun run = run("three-pages.tif");
    assertThat(run.decoded()).extracting(DecodedPage::width).containsExactly(200, 220, 240);
    assertThat(run.decoded()).extracting(p -> p.ref().pageNo()).containsExactly(1, 2, 3);
    for (DecodedPage page : run.decoded()) { // raster hashes, since the file hash would be the same for all
      assertThat(page.contentSha256()).isEqualTo(Rgb.sha256(page.image()));
    }
    assertThat(run.decoded()).extracting(DecodedPage::contentSha256).doesNotHaveDuplicates();
    BufferedImage bilevel = run.decoded().get(1).image(); // CCITT T.6: the red box became black
    assertThat(bilevel.getRGB(40, 100) & 0xFFFFFF).isEqualTo(0);
    assertThat(bilevel.getRGB(5, 5) & 0xFFFFFF).isEqualTo(0xFFFFFF);
  }

  @Test
  void pdfPagesAreRenderedAtTheConfiguredDpi() {
    PageRun run = run("two-pages.pdf");
    assertThat(run.decoded()).hasSize(2);
    for (DecodedPage page : run.decoded()) {
      // 8.5 x 11 in at 200 dpi, floored in float as PDFBox does: 612 * (200 / 72f) = 1699.9999
      assertThat(page.width()).isEqualTo(1699);
      assertThat(page.height()).isEqualTo(2200);
      assertThat(page.contentSha256()).isEqualTo(Rgb.sha256(page.image()));
      // the filled rectangle: x 72..272 pt, y 500..600 pt from the bottom
      assertThat(page.image().getRGB(400, 700) & 0xFFFFFF).isEqualTo(0);
      assertThat(page.image().getRGB(20, 20) & 0xFFFFFF).isEqualTo(0xFFFFFF);
    }
    assertThat(run.decoded().get(0).contentSha256()).isNotEqualTo(run.decoded().get(1).contentSha256());
  }

  @Test
  void singleImagesAreHashedByTheirFileBytes() throws IOException {
    for (String name : List.of("png-named.jpg", "cmyk.jpg", "cmyk.tif", "page.gif")) {
      byte[] bytes = Files.readAllBytes(dir.resolve(name));
      String expected = Sha256.hex(bytes);
      assertThat(single(name).contentSha256()).as(name).isEqualTo(expected);
    }
  }

  @Test
  void aFailedRefIsRethrownAsRecorded() {
    PageRef failed = PageSources.expand(new SourceFile(uri("encrypted.pdf"), 0, 0), CONF, PageOptions.defaults())
        .get(0);
    assertThat(failed.failed()).isTrue();
    try (PageReader reader = new PageReader(CONF, PageOptions.defaults())) {
      assertThatThrownBy(() -> reader.read(failed))
          .isInstanceOf(PageFailure.class)
          .hasMessage(failed.errorMessage())
          .extracting(e -> ((PageFailure) e).errorClass()).isEqualTo(ErrorClass.ENCRYPTED_PDF);
    }
  }

  @Test
  void aMissingFileIsAnIoErrorNotAnException() {
    String missing = uri("no-such-file.png");
    List<PageRef> refs = PageSources.expand(new SourceFile(missing, 1, 0), CONF, PageOptions.defaults());
    assertThat(refs).singleElement().satisfies(ref -> {
      assertThat(ref.errorClass()).isEqualTo(ErrorClass.IO_ERROR);
      assertThat(ref.errorMessage()).isEqualTo(missing + ": file not found");
    });
  }

  @Test
  void limitsOnFileSizeApply() throws IOException {
    PageOptions tiny = new PageOptions(200, 1000, 1000, 8, 100);
    PageRun run = PageRun.of(uri("page.bmp"), CONF, tiny);
    assertThat(run.errorClass()).isEqualTo(ErrorClass.FILE_TOO_LARGE);
    assertThat(run.failures().get(0)).hasMessageContaining("over the limit of 100");
  }

  private static DecodedPage single(String name) {
    PageRun run = run(name);
    assertThat(run.failures()).as(name).isEmpty();
    assertThat(run.decoded()).as(name).hasSize(1);
    return run.decoded().get(0);
  }

  private static int brightness(int rgb) {
    return ((rgb >> 16 & 0xFF) + (rgb >> 8 & 0xFF) + (rgb & 0xFF)) / 3;
  }
}
