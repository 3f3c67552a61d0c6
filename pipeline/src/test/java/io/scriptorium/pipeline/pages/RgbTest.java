package io.scriptorium.pipeline.pages;

import static org.assertj.core.api.Assertions.assertThat;

import io.scriptorium.testing.UnitTest;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link Rgb}'s bilevel fast path gives {@link io.scriptorium.model.RgbRows}'s bytes for every width and palette. */
@UnitTest
class RgbTest {
  private final Random random = new Random(14);

  @Test
  void bilevelPagesExpandAsRgbRowsReadsThem() {
    IndexColorModel[] palettes = {
      new IndexColorModel(1, 2, new byte[] {0, (byte) 255}, new byte[] {0, (byte) 255}, new byte[] {0, (byte) 255}),
      new IndexColorModel(1, 2, new byte[] {(byte) 255, 0}, new byte[] {(byte) 255, 0}, new byte[] {(byte) 255, 0}),
      new IndexColorModel(1, 2, new byte[] {(byte) 200, 10}, new byte[] {30, (byte) 140}, new byte[] {7, 99},
          new byte[] {(byte) 255, 0}), // colours with alpha: alpha is ignored
      new IndexColorModel(1, 1, new byte[] {90}, new byte[] {80}, new byte[] {70}), // index 1 past the end: black
    };
    for (IndexColorModel palette : palettes) {
      for (int width : new int[] {1, 7, 8, 9, 15, 16, 17, 95, 641}) {
        BufferedImage page = new BufferedImage(width, 13, BufferedImage.TYPE_BYTE_BINARY, palette);
        random.nextBytes(((DataBufferByte) page.getRaster().getDataBuffer()).getData());
        BufferedImage fast = Rgb.bilevel(page);
        assertThat(fast).as("width %d", width).isNotNull();
        assertThat(fast.getType()).isEqualTo(BufferedImage.TYPE_3BYTE_BGR);
        assertThat(PillowPixelsTest.rgb(fast)).as("width %d", width).isEqualTo(PillowPixelsTest.rgb(page));
      }
    }
  }

  @Test
  void otherLayoutsTakeTheGeneralPath() {
    BufferedImage page = new BufferedImage(40, 30, BufferedImage.TYPE_BYTE_BINARY);
    random.nextBytes(((DataBufferByte) page.getRaster().getDataBuffer()).getData());
    BufferedImage part = page.getSubimage(3, 2, 20, 10); // a child raster: its first pixel is mid-byte
    assertThat(Rgb.bilevel(part)).isNull();
    assertThat(PillowPixelsTest.rgb(Rgb.toRgb(part))).isEqualTo(PillowPixelsTest.rgb(part));
    assertThat(Rgb.bilevel(new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_INDEXED))).isNull();
  }
}
