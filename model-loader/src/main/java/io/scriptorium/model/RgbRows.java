package io.scriptorium.model;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.Raster;

/**
 * Reads any BufferedImage one row at a time as 8-bit RGB, the way Pillow's {@code convert('RGB')} does: alpha is
 * dropped (not composited), gray is replicated, palettes are looked up. Rows are read on demand so the resampler never
 * holds a full-size copy of a huge page.
 */
abstract class RgbRows {
  final int width;
  final int height;

  RgbRows(int width, int height) {
    this.width = width;
    this.height = height;
  }

  /** Writes row {@code y} as {@code width * 3} interleaved RGB bytes into {@code out}. */
  abstract void read(int y, byte[] out);

  static RgbRows of(BufferedImage image) {
    ColorModel cm = image.getColorModel();
    ColorSpace cs = cm.getColorSpace();
    if (cm instanceof ComponentColorModel && !cm.isAlphaPremultiplied()) {
      // Raw samples: getRGB would push gray through Java's linear-gray colour space and change the values.
      if (cs.getType() == ColorSpace.TYPE_GRAY && cm.getNumColorComponents() == 1) {
        return new Samples(image, new int[] {0, 0, 0});
      }
      if (cs.isCS_sRGB() && cm.getNumColorComponents() == 3) {
        return new Samples(image, new int[] {0, 1, 2});
      }
    }
    return new Packed(image);
  }

  /** Direct, indexed (palette, 1-bit) and anything else: Java's sRGB conversion, alpha bits ignored. */
  private static final class Packed extends RgbRows {
    private final BufferedImage image;
    private final int[] argb;

    Packed(BufferedImage image) {
      super(image.getWidth(), image.getHeight());
      this.image = image;
      this.argb = new int[width];
    }

    @Override
    void read(int y, byte[] out) {
      image.getRGB(0, y, width, 1, argb, 0, width);
      for (int x = 0, o = 0; x < width; x++, o += 3) {
        int p = argb[x];
        out[o] = (byte) (p >>> 16);
        out[o + 1] = (byte) (p >>> 8);
        out[o + 2] = (byte) p;
      }
    }
  }

  /**
   * Component samples read straight from the raster. Deeper than 8 bits keeps the high byte, as Pillow does for 16-bit
   * RGB PNGs (for 16-bit gray Pillow 9 would clip at 255 and return a white page; we deliberately do not copy that).
   */
  private static final class Samples extends RgbRows {
    private final Raster raster;
    private final int[] bands;
    private final int[] bits;
    private final int[] samples;

    Samples(BufferedImage image, int[] bands) {
      super(image.getWidth(), image.getHeight());
      this.raster = image.getRaster();
      this.bands = bands;
      this.bits = new int[3];
      for (int c = 0; c < 3; c++) {
        bits[c] = image.getColorModel().getComponentSize(bands[c]);
      }
      this.samples = new int[width];
    }

    @Override
    void read(int y, byte[] out) {
      for (int c = 0; c < 3; c++) {
        if (c > 0 && bands[c] == bands[c - 1]) {
          for (int x = 0, o = c; x < width; x++, o += 3) {
            out[o] = out[o - 1];
          }
          continue;
        }
        raster.getSamples(raster.getMinX(), raster.getMinY() + y, width, 1, bands[c], samples);
        int b = bits[c];
        for (int x = 0, o = c; x < width; x++, o += 3) {
          out[o] = (byte) to8(samples[x], b);
        }
      }
    }

    private static int to8(int v, int bits) {
      if (bits == 8) {
        return v;
      }
      return bits > 8 ? v >>> (bits - 8) : v * 255 / ((1 << bits) - 1);
    }
  }
}
