package io.scriptorium.pipeline.pages;

import static org.assertj.core.api.Assertions.assertThat;

import io.scriptorium.pipeline.vocab.ErrorClass;
import io.scriptorium.testing.UnitTest;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.apache.pdfbox.pdmodel.graphics.image.LosslessFactory;
import org.apache.pdfbox.pdmodel.graphics.image.PDImageXObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Big images, big pages and long PDFs: images decoded in full up to Pillow's limit, PDF rasters bounded, memory flat. */
@UnitTest
class LargeInputsTest {
  @TempDir
  Path dir;

  private final Configuration conf = new Configuration();

  @Test
  void aHugeScanIsDecodedInFullAsPillowDecodesIt() throws IOException {
    // 12000 x 9000 = 108 Mpx: over Pillow's warning limit (89,478,485), under its error limit (178,956,970).
    BufferedImage scan = new BufferedImage(12000, 9000, BufferedImage.TYPE_BYTE_GRAY);
    Graphics2D g = scan.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, 12000, 9000);
    g.setColor(Color.BLACK);
    g.fillRect(6000, 3000, 3000, 3000);
    g.fillRect(11999, 8999, 1, 1); // a single pixel that subsampling would skip
    g.dispose();
    Path file = dir.resolve("scan-12000x9000.png");
    ImageIO.write(scan, "png", file.toFile());
    scan = null;

    DecodedPage page = single(file, PageOptions.defaults());
    assertThat(page.width()).isEqualTo(12000);
    assertThat(page.height()).isEqualTo(9000);
    BufferedImage image = page.image();
    assertThat(image.getWidth()).isEqualTo(12000); // never subsampled: the model's one resize starts from these
    assertThat(image.getHeight()).isEqualTo(9000);
    assertThat(image.getType()).isEqualTo(BufferedImage.TYPE_3BYTE_BGR); // 3 bytes a pixel
    assertThat(image.getRGB(6000, 3000) & 0xFFFFFF).isZero();
    assertThat(image.getRGB(5999, 3000) & 0xFFFFFF).isEqualTo(0xFFFFFF);
    assertThat(image.getRGB(11999, 8999) & 0xFFFFFF).isZero();
    assertThat(image.getRGB(11998, 8999) & 0xFFFFFF).isEqualTo(0xFFFFFF);
  }

  @Test
  void overPillowsLimitIsADecompressionBomb() throws IOException {
    // 13379 x 13376 = 178,957,504 pixels: one row over 2 * Image.MAX_IMAGE_PIXELS; Pillow raises DecompressionBombError
    Path file = dir.resolve("just-over.png");
    java.nio.file.Files.write(file, BadInputCorpus.pngBomb(13379, 13376));
    PageRun run = PageRun.of(file.toUri().toString(), conf, PageOptions.defaults());
    assertThat(run.failures()).singleElement().satisfies(f -> {
      assertThat(f.errorClass()).isEqualTo(ErrorClass.DECOMPRESSION_BOMB);
      assertThat(f.getMessage()).contains("declares 13379 x 13376 = 178957504 pixels, over the limit of 178956970");
    });
    Path under = dir.resolve("just-under.png"); // 13379 x 13375 = 178,944,125: Pillow opens it, so does the header check
    java.nio.file.Files.write(under, BadInputCorpus.pngBomb(13379, 13375));
    assertThat(PageSources.expand(new SourceFile(under.toUri().toString(), 0, 0), conf, PageOptions.defaults()))
        .singleElement().satisfies(ref -> assertThat(ref.failed()).isFalse());
  }

  @Test
  void aLowRenderCapLowersOnlyPdfResolutionNeverRasterImages() throws IOException {
    Path file = dir.resolve("photo.jpg");
    ImageIO.write(BadInputCorpus.textPage(3000, 2000, "full size"), "jpeg", file.toFile());
    DecodedPage page = single(file, new PageOptions(200, 1_000_000, 500_000_000, 8, 1L << 31));
    assertThat(page.width()).isEqualTo(3000);
    assertThat(page.image().getWidth()).isEqualTo(3000);
    assertThat(page.image().getHeight()).isEqualTo(2000);
  }

  @Test
  void aLargePdfPageIsRenderedAtALowerResolutionButReportsItsSizeAtTheConfiguredDpi() throws IOException {
    Path file = dir.resolve("poster.pdf");
    try (PDDocument document = new PDDocument()) {
      PDPage page = new PDPage(new PDRectangle(36 * 72, 24 * 72)); // 36 x 24 in: 7200 x 4800 px at 200 dpi
      document.addPage(page);
      try (PDPageContentStream content = new PDPageContentStream(document, page)) {
        content.addRect(18 * 72, 0, 18 * 72, 24 * 72); // right half black
        content.fill();
      }
      document.save(file.toFile());
    }
    DecodedPage page = single(file, PageOptions.defaults());
    assertThat(page.width()).isEqualTo(pixels(36 * 72, 200)).isEqualTo(7199); // floored in float, as PDFBox does
    assertThat(page.height()).isEqualTo(pixels(24 * 72, 200));
    BufferedImage image = page.image();
    assertThat((long) image.getWidth() * image.getHeight()).isLessThanOrEqualTo(PageOptions.DEFAULT_MAX_RENDERED_PIXELS)
        .isGreaterThan(PageOptions.DEFAULT_MAX_RENDERED_PIXELS * 9 / 10); // as sharp as the cap allows
    assertThat((double) image.getWidth() / image.getHeight()).isCloseTo(1.5, org.assertj.core.data.Offset.offset(0.01));
    assertThat(image.getRGB(image.getWidth() * 3 / 4, 10) & 0xFFFFFF).isZero();
    assertThat(image.getRGB(image.getWidth() / 4, 10) & 0xFFFFFF).isEqualTo(0xFFFFFF);
  }

  @Test
  void aBadPageFailsOnlyItself() throws IOException {
    Path file = dir.resolve("one-giant-page.pdf");
    try (PDDocument document = new PDDocument()) {
      document.addPage(new PDPage(PDRectangle.A4));
      document.addPage(new PDPage(new PDRectangle(20000, 20000))); // 55555 px square at 200 dpi
      PDPage turned = new PDPage(PDRectangle.A4);
      turned.setRotation(90);
      document.addPage(turned);
      document.save(file.toFile());
    }
    PageRun run = PageRun.of(file.toUri().toString(), conf, PageOptions.defaults());
    assertThat(run.refs()).hasSize(3);
    assertThat(run.decoded()).extracting(p -> p.ref().pageNo()).containsExactly(1, 3);
    assertThat(run.failures()).singleElement().satisfies(f -> {
      assertThat(f.errorClass()).isEqualTo(ErrorClass.DECOMPRESSION_BOMB);
      assertThat(f.getMessage()).startsWith(file.toUri() + " page 2: declares 55555 x 55555");
    });
    DecodedPage turned = run.decoded().get(1); // /Rotate 90: landscape, like the rendered image
    assertThat(turned.width()).isEqualTo(turned.image().getWidth()).isGreaterThan(turned.height());
    assertThat(turned.height()).isEqualTo(turned.image().getHeight());
  }

  @Test
  void aLongPdfIsRenderedPageByPageInBoundedMemory() throws Exception {
    int pages = 300;
    Path file = dir.resolve("long.pdf");
    writeLongPdf(file, pages);
    PageOptions options = new PageOptions(100, 4L * 4_194_304, 500_000_000L, 8, 1L << 31);
    List<PageRef> refs = PageSources.expand(new SourceFile(file.toUri().toString(), 0, 0), conf, options);
    assertThat(refs).hasSize(pages);

    long before = usedHeap();
    long baseline = 0;
    long peak = 0;
    StringBuilder trace = new StringBuilder();
    try (PageReader reader = new PageReader(conf, options)) {
      for (PageRef ref : refs) {
        DecodedPage page = reader.read(ref);
        assertThat(page.width()).isEqualTo(pixels(612, 100));
        if (ref.pageNo() == 10 || ref.pageNo() % 50 == 0) {
          long used = usedHeap();
          trace.append(String.format(" p%d %.1f", ref.pageNo(), used / 1e6));
          if (ref.pageNo() == 10) {
            baseline = used; // the document, fonts and renderer are warm by now
          }
          peak = Math.max(peak, used);
        }
      }
      long end = usedHeap();
      System.out.printf("300-page PDF, used heap MB: before %.1f,%s; growth after page 10: %.1f MB%n",
          before / 1e6, trace, (end - baseline) / 1e6);
      // Measured: 1.4 MB over 290 pages (PDFBox keeps each page's parsed dictionaries). With PDFBox's default
      // cache, which keeps every page's image objects, it was 9.6 MB; keeping each rendered page would be 1 GB.
      assertThat(end - baseline).isLessThan(5L << 20);
      assertThat(peak - baseline).isLessThan(5L << 20);
    }
  }

  /** Each page has text and its own small image, so per-page resources exist and could pile up. */
  private static void writeLongPdf(Path file, int pages) throws IOException {
    try (PDDocument document = new PDDocument()) {
      PDType1Font font = new PDType1Font(Standard14Fonts.FontName.TIMES_ROMAN);
      for (int i = 1; i <= pages; i++) {
        PDPage page = new PDPage(PDRectangle.LETTER);
        document.addPage(page);
        BufferedImage stamp = BadInputCorpus.textPage(120, 60, "p" + i);
        PDImageXObject image = LosslessFactory.createFromImage(document, stamp);
        try (PDPageContentStream content = new PDPageContentStream(document, page)) {
          content.beginText();
          content.setFont(font, 14);
          content.newLineAtOffset(72, 720);
          for (int line = 0; line < 30; line++) {
            content.showText("Page " + i + ", line " + line + ": the quick brown fox jumps over the lazy dog.");
            content.newLineAtOffset(0, -18);
          }
          content.endText();
          content.drawImage(image, 400, 60, 120, 60);
        }
      }
      document.save(file.toFile());
    }
  }

  /** The size PDFRenderer gives {@code points} at {@code dpi}. */
  private static int pixels(float points, int dpi) {
    return (int) Math.floor(points * (dpi / 72f));
  }

  private static long usedHeap() {
    Runtime runtime = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return runtime.totalMemory() - runtime.freeMemory();
  }

  private DecodedPage single(Path file, PageOptions options) {
    PageRun run = PageRun.of(file.toUri().toString(), conf, options);
    assertThat(run.failures()).isEmpty();
    assertThat(run.decoded()).hasSize(1);
    return run.decoded().get(0);
  }
}
