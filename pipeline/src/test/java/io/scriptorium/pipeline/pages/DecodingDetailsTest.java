package io.scriptorium.pipeline.pages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scriptorium.pipeline.vocab.ErrorClass;
import io.scriptorium.testing.UnitTest;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@UnitTest
class DecodingDetailsTest {
  @TempDir
  Path dir;

  @Test
  void defaultsAreTheDocumentedOnes() {
    assertThat(PageOptions.defaults()).isEqualTo(new PageOptions(200, 16_777_216L, 178_956_970L, 8, 2_147_483_648L));
    assertThat(PageOptions.PILLOW_MAX_PIXELS).isEqualTo(2 * ImagePages.PILLOW_WARNING_PIXELS); // Image.MAX_IMAGE_PIXELS
  }

  @Test
  void absurdDeclaredSizesAreBombsNotOverflows() {
    PageOptions options = PageOptions.defaults();
    assertThatThrownBy(() -> PageSource.Size.checked(Long.MAX_VALUE, 2, options))
        .isInstanceOf(Problem.class)
        .hasMessage("declares 9223372036854775807 x 2 pixels, over the limit of 178956970; not decoded")
        .extracting(e -> ((Problem) e).errorClass()).isEqualTo(ErrorClass.DECOMPRESSION_BOMB);
    assertThatThrownBy(() -> PageSource.Size.checked(3_000_000_000L, 3_000_000_000L, options))
        .hasMessageStartingWith("declares 3000000000 x 3000000000 pixels");
  }

  @Test
  void formatsAreSniffedFromContent() {
    assertThat(sniff(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0})).isEqualTo(PageFormat.JPEG);
    assertThat(sniff("II*\0rest")).isEqualTo(PageFormat.TIFF);
    assertThat(sniff("MM\0*rest")).isEqualTo(PageFormat.TIFF);
    assertThat(sniff("GIF89a....")).isEqualTo(PageFormat.GIF);
    assertThat(sniff("RIFF\0\0\0\0WEBPVP8L")).isEqualTo(PageFormat.WEBP);
    assertThat(sniff("RIFF\0\0\0\0WAVEfmt ")).isNull();
    assertThat(sniff("\n\n%PDF-1.4\n")).isEqualTo(PageFormat.PDF); // junk before the header is allowed
    assertThat(sniff("BMW drivers' handbook, chapter 1")).isNull(); // "BM" but no DIB header size
    byte[] bmp = new byte[32];
    bmp[0] = 'B';
    bmp[1] = 'M';
    bmp[14] = 40;
    assertThat(sniff(bmp)).isEqualTo(PageFormat.BMP);
  }

  @Test
  void jpegTruncationIgnoresThumbnailsAndTrailers() throws IOException {
    byte[] jpeg = BadInputCorpus.encode(BadInputCorpus.textPage(200, 100, "thumbnail"), "jpeg");
    assertThat(complete(jpeg)).isTrue();
    assertThat(complete(Arrays.copyOf(jpeg, jpeg.length - 2))).isFalse(); // just the EOI missing

    // An APP1 segment holding a whole JPEG (as EXIF thumbnails do): its EOI must not count for the main image.
    ByteArrayOutputStream withThumbnail = new ByteArrayOutputStream();
    withThumbnail.write(jpeg, 0, 2);
    int length = 2 + 6 + jpeg.length;
    withThumbnail.write(new byte[] {(byte) 0xFF, (byte) 0xE1, (byte) (length >> 8), (byte) length});
    withThumbnail.write("Exif\0\0".getBytes(StandardCharsets.US_ASCII));
    withThumbnail.write(jpeg);
    withThumbnail.write(jpeg, 2, jpeg.length - 2);
    byte[] full = withThumbnail.toByteArray();
    assertThat(complete(full)).isTrue();
    assertThat(complete(Arrays.copyOf(full, full.length - 200))).isFalse();

    byte[] trailer = new byte[5000]; // appended data full of markers, as in phone "motion photos"
    for (int i = 0; i + 1 < trailer.length; i += 2) {
      trailer[i] = (byte) 0xFF;
      trailer[i + 1] = (byte) 0xDA;
    }
    byte[] withTrailer = Arrays.copyOf(jpeg, jpeg.length + trailer.length);
    System.arraycopy(trailer, 0, withTrailer, jpeg.length, trailer.length);
    assertThat(complete(withTrailer)).isTrue();
  }

  @Test
  void rgbImagesPassThroughAndOthersAreConverted() {
    BufferedImage bgr = new BufferedImage(10, 10, BufferedImage.TYPE_3BYTE_BGR);
    assertThat(Rgb.toRgb(bgr)).isSameAs(bgr);
    BufferedImage grey = new BufferedImage(10, 10, BufferedImage.TYPE_BYTE_GRAY);
    grey.getRaster().setSample(3, 4, 0, 100);
    BufferedImage rgb = Rgb.toRgb(grey);
    assertThat(rgb.getType()).isEqualTo(BufferedImage.TYPE_3BYTE_BGR);
    assertThat(rgb.getRGB(3, 4) & 0xFFFFFF).isEqualTo(0x646464); // 100 stays 100, no gamma
    BufferedImage argbPre = new BufferedImage(10, 10, BufferedImage.TYPE_INT_ARGB_PRE);
    argbPre.setRGB(1, 1, 0xFF336699);
    assertThat(Rgb.toRgb(argbPre).getRGB(1, 1)).isEqualTo(0xFF336699);
  }

  @Test
  void rasterHashIsTheSameForBothOutputTypes() {
    BufferedImage bgr = BadInputCorpus.textPage(50, 40, "x");
    BufferedImage intRgb = new BufferedImage(50, 40, BufferedImage.TYPE_INT_RGB);
    intRgb.getGraphics().drawImage(bgr, 0, 0, null);
    assertThat(Rgb.sha256(intRgb)).isEqualTo(Rgb.sha256(bgr));
    intRgb.setRGB(0, 0, 0x010203);
    assertThat(Rgb.sha256(intRgb)).isNotEqualTo(Rgb.sha256(bgr));
  }

  private boolean complete(byte[] jpeg) throws IOException {
    Path file = Files.write(dir.resolve("x.jpg"), jpeg);
    return FileScan.of(file.toFile(), true).jpegComplete();
  }

  private static PageFormat sniff(String head) {
    return sniff(head.getBytes(StandardCharsets.ISO_8859_1));
  }

  private static PageFormat sniff(byte[] head) {
    return PageFormat.sniff(head, head.length);
  }
}
