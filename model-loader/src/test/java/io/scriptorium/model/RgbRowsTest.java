package io.scriptorium.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.scriptorium.testing.UnitTest;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DirectColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import org.junit.jupiter.api.Test;

/**
 * {@link RgbRows} follows Pillow's {@code convert("RGB")} on the colour models the decoders produce. Expected values
 * come from Pillow 9.4 (noted at each case); PillowPixelsTest (pipeline) checks whole files against Pillow itself.
 */
@UnitTest
class RgbRowsTest {
  @Test
  void cmykUsesPillowsFormula() {
    // Image.new("CMYK", ...).putdata([...]).convert("RGB") in Pillow 9.4
    assertThat(rgb(cmyk(100, 0, 0, 50))).containsExactly(125, 205, 205);
    assertThat(rgb(cmyk(30, 60, 90, 120))).containsExactly(119, 103, 87);
    assertThat(rgb(cmyk(255, 255, 255, 255))).containsExactly(0, 0, 0);
    assertThat(rgb(cmyk(0, 0, 0, 0))).containsExactly(255, 255, 255);
  }

  @Test
  void iccProfilesAreIgnored() {
    // An RGB image tagged with a linear-RGB profile: Java 2D would brighten 100 to about 170; Pillow keeps 100.
    ColorSpace linear = ColorSpace.getInstance(ColorSpace.CS_LINEAR_RGB);
    ColorModel cm = new ComponentColorModel(linear, false, false, Transparency.OPAQUE, DataBuffer.TYPE_BYTE);
    BufferedImage image = new BufferedImage(cm, cm.createCompatibleWritableRaster(2, 1), false, null);
    image.getRaster().setPixel(0, 0, new int[] {100, 150, 200});
    assertThat(rgb(image)).containsExactly(100, 150, 200);

    BufferedImage grey = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_GRAY); // Java calls this linear grey
    grey.getRaster().setSample(0, 0, 0, 100);
    assertThat(rgb(grey)).containsExactly(100, 100, 100);
  }

  @Test
  void alphaIsDroppedAndAssociatedAlphaDividedOut() {
    BufferedImage straight = new BufferedImage(2, 1, BufferedImage.TYPE_4BYTE_ABGR);
    straight.getRaster().setPixel(0, 0, new int[] {10, 20, 30, 0});
    assertThat(rgb(straight)).containsExactly(10, 20, 30); // not composited on anything

    // Pillow's unpackRGBa: a = 0 -> 0; a = 255 -> as is; else min(255, c * 255 / a) truncated
    ColorModel pre = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), true, true,
        Transparency.TRANSLUCENT, DataBuffer.TYPE_BYTE);
    WritableRaster raster = pre.createCompatibleWritableRaster(3, 1);
    raster.setPixel(0, 0, new int[] {64, 64, 107, 128});
    raster.setPixel(1, 0, new int[] {9, 9, 9, 0});
    raster.setPixel(2, 0, new int[] {200, 100, 50, 255});
    BufferedImage associated = new BufferedImage(pre, raster, true, null);
    byte[] row = new byte[9];
    RgbRows.of(associated).read(0, row);
    assertThat(unsigned(row)).containsExactly(127, 127, 213, 0, 0, 0, 200, 100, 50);

    IndexColorModel palette = new IndexColorModel(8, 2, new byte[] {0, (byte) 200}, new byte[] {0, 100},
        new byte[] {0, 50}, new byte[] {(byte) 255, 0}); // entry 1 fully transparent
    BufferedImage indexed = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_INDEXED, palette);
    indexed.getRaster().setSample(0, 0, 0, 1);
    assertThat(rgb(indexed)).containsExactly(200, 100, 50);
  }

  @Test
  void fieldsUnderEightBitsScaleByPillowsTruncatingRule() {
    // BMP RGB565 (Pillow "BGR;16"): v * 255 / 31 and v * 255 / 63, truncated (Java 2D would round)
    DirectColorModel rgb565 = new DirectColorModel(16, 0xF800, 0x07E0, 0x001F);
    BufferedImage image = new BufferedImage(rgb565, rgb565.createCompatibleWritableRaster(1, 1), false, null);
    image.getRaster().setDataElements(0, 0, new short[] {(short) (17 << 11 | 33 << 5 | 5)});
    assertThat(rgb(image)).containsExactly(17 * 255 / 31, 33 * 255 / 63, 5 * 255 / 31);
  }

  @Test
  void sixteenBitRgbKeepsTheHighByteAndGreyClipsAsPillow() {
    ColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), false, false,
        Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
    BufferedImage rgb16 = new BufferedImage(cm, cm.createCompatibleWritableRaster(1, 1), false, null);
    rgb16.getRaster().setPixel(0, 0, new int[] {0x12FF, 0xAB00, 0xFFFF});
    assertThat(rgb(rgb16)).containsExactly(0x12, 0xAB, 0xFF); // Pillow's RGB;16B
    BufferedImage grey16 = new BufferedImage(1, 1, BufferedImage.TYPE_USHORT_GRAY);
    grey16.getRaster().setSample(0, 0, 0, 0x8040);
    assertThat(rgb(grey16)).containsExactly(0xFF, 0xFF, 0xFF); // Pillow's mode I clips to 255
    grey16.getRaster().setSample(0, 0, 0, 0x00C8);
    assertThat(rgb(grey16)).containsExactly(0xC8, 0xC8, 0xC8);
  }

  private static BufferedImage cmyk(int c, int m, int y, int k) {
    ColorSpace cmyk = new ColorSpace(ColorSpace.TYPE_CMYK, 4) {
      @Override
      public float[] toRGB(float[] v) {
        return new float[3];
      }

      @Override
      public float[] fromRGB(float[] v) {
        return new float[4];
      }

      @Override
      public float[] toCIEXYZ(float[] v) {
        return new float[3];
      }

      @Override
      public float[] fromCIEXYZ(float[] v) {
        return new float[4];
      }
    };
    ColorModel cm = new ComponentColorModel(cmyk, false, false, Transparency.OPAQUE, DataBuffer.TYPE_BYTE);
    BufferedImage image = new BufferedImage(cm, cm.createCompatibleWritableRaster(1, 1), false, null);
    image.getRaster().setPixel(0, 0, new int[] {c, m, y, k});
    return image;
  }

  /** The first pixel's R, G, B. */
  private static int[] rgb(BufferedImage image) {
    byte[] row = new byte[image.getWidth() * 3];
    RgbRows.of(image).read(0, row);
    return new int[] {row[0] & 0xff, row[1] & 0xff, row[2] & 0xff};
  }

  private static int[] unsigned(byte[] bytes) {
    int[] out = new int[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      out[i] = bytes[i] & 0xff;
    }
    return out;
  }
}
