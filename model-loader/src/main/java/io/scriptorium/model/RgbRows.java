package io.scriptorium.model;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DirectColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;

/**
 * Reads any decoded image one row at a time as 8-bit RGB, the way Pillow's {@code Image.convert("RGB")} does (what
 * the official HunyuanOCR processor feeds the model), so that the resampler never holds a second full-size copy of a
 * huge page:
 *
 * <ul>
 *   <li><b>Colour profiles are ignored</b>: samples of an RGB, grey or CMYK image are taken as they are, whatever
 *       ICC profile the file embeds (Pillow does no colour management in {@code convert}).
 *   <li><b>Alpha is dropped, not composited</b> (the transformers processor calls {@code convert("RGB")}); a palette
 *       keeps each entry's RGB whatever its transparency. Premultiplied (TIFF "associated") alpha is first divided
 *       out as Pillow's {@code RGBa} unpacker does: {@code c * 255 / a} truncated, 0 where {@code a = 0}.
 *   <li><b>CMYK</b> uses Pillow's formula: {@code nk = 255 - k}, {@code r = nk - MULDIV255(c, nk)}.
 *   <li><b>Grey</b> is replicated; samples under 8 bits are scaled by {@code v * 255 / (2^bits - 1)} truncated
 *       (exact for 1, 2 and 4 bits; Pillow's rule for 5- and 6-bit BMP fields); samples over 8 bits keep their high
 *       byte, as Pillow does for 16-bit RGB(A). 16-bit <em>grey</em> is clipped to 255 as Pillow's {@code I} mode does
 *       (a real 16-bit scan turns almost white, but that is what the official processor feeds the model).
 *   <li>Anything else (YCbCr, Lab or float rasters, premultiplied packed pixels) goes through Java 2D's sRGB
 *       conversion; the page readers never produce these.
 * </ul>
 */
public abstract class RgbRows {
  final int width;
  final int height;

  RgbRows(int width, int height) {
    this.width = width;
    this.height = height;
  }

  public final int width() {
    return width;
  }

  public final int height() {
    return height;
  }

  /** Writes row {@code y} as {@code width * 3} interleaved R, G, B bytes into {@code out}. */
  public abstract void read(int y, byte[] out);

  /** The rows of {@code image}, converted as Pillow's {@code convert("RGB")} does. */
  public static RgbRows of(BufferedImage image) {
    ColorModel cm = image.getColorModel();
    int transfer = image.getRaster().getTransferType();
    boolean integral = transfer == DataBuffer.TYPE_BYTE || transfer == DataBuffer.TYPE_USHORT
        || transfer == DataBuffer.TYPE_INT;
    if (cm instanceof IndexColorModel icm) {
      return new Palette(image, icm);
    }
    if (cm instanceof ComponentColorModel && integral) {
      int type = cm.getColorSpace().getType();
      int colours = cm.getNumColorComponents();
      if (type == ColorSpace.TYPE_GRAY && colours == 1) {
        return new Samples(image, new int[] {0, 0, 0}, false, true);
      }
      if (type == ColorSpace.TYPE_RGB && colours == 3) {
        return new Samples(image, new int[] {0, 1, 2}, cm.hasAlpha() && cm.isAlphaPremultiplied(), false);
      }
      if (type == ColorSpace.TYPE_CMYK && colours == 4) {
        return new Cmyk(image);
      }
    }
    if (cm instanceof DirectColorModel && !cm.isAlphaPremultiplied()
        && cm.getColorSpace().getType() == ColorSpace.TYPE_RGB) {
      return new Samples(image, new int[] {0, 1, 2}, false, false); // packed fields: band b is the b-th mask
    }
    return new Converted(image);
  }

  /** Pillow's {@code MULDIV255(a, b)}: {@code a * b / 255} rounded the way its C macro does. */
  static int mulDiv255(int a, int b) {
    int t = a * b + 128;
    return ((t >> 8) + t) >> 8;
  }

  /** One channel of Pillow's {@code cmyk2rgb}: {@code clip(255 - k - (c * (255 - k)) / 255)}. */
  public static int cmykToRgb(int c, int k) {
    int nk = 255 - k;
    int v = nk - mulDiv255(c, nk);
    return v < 0 ? 0 : Math.min(v, 255);
  }

  /** A sample of {@code bits} bits as 8 bits, by the rules in the class comment. */
  static int to8(int v, int bits) {
    if (bits == 8) {
      return v;
    }
    return bits > 8 ? v >>> (bits - 8) : v * 255 / ((1 << bits) - 1);
  }

  /** Palette images (PNG, GIF, BMP, TIFF palettes; 1-bit images): the entry's RGB, its alpha ignored. */
  private static final class Palette extends RgbRows {
    private final Raster raster;
    private final int[] palette;
    private final int[] index;

    Palette(BufferedImage image, IndexColorModel icm) {
      super(image.getWidth(), image.getHeight());
      this.raster = image.getRaster();
      this.palette = new int[icm.getMapSize()];
      icm.getRGBs(palette);
      this.index = new int[width];
    }

    @Override
    public void read(int y, byte[] out) {
      raster.getSamples(raster.getMinX(), raster.getMinY() + y, width, 1, 0, index);
      for (int x = 0, o = 0; x < width; x++, o += 3) {
        int i = index[x];
        int p = i < palette.length ? palette[i] : 0;
        out[o] = (byte) (p >>> 16);
        out[o + 1] = (byte) (p >>> 8);
        out[o + 2] = (byte) p;
      }
    }
  }

  /** Component or packed samples read straight from the raster (grey replicated), alpha dropped or divided out. */
  private static final class Samples extends RgbRows {
    private final Raster raster;
    private final int[] bands;
    private final int[] bits;
    private final int[] samples;
    private final int alphaBand;
    private final int alphaBits;
    private final int[] alpha;
    /** Grey over 8 bits: Pillow's mode {@code I} clips to 255 instead of keeping the high byte. */
    private final boolean clipWide;

    Samples(BufferedImage image, int[] bands, boolean premultiplied, boolean grey) {
      super(image.getWidth(), image.getHeight());
      this.clipWide = grey;
      this.raster = image.getRaster();
      this.bands = bands;
      this.bits = new int[3];
      ColorModel cm = image.getColorModel();
      for (int c = 0; c < 3; c++) {
        bits[c] = cm.getComponentSize(bands[c]);
      }
      this.samples = new int[width];
      this.alphaBand = premultiplied ? cm.getNumColorComponents() : -1;
      this.alphaBits = premultiplied ? cm.getComponentSize(alphaBand) : 0;
      this.alpha = premultiplied ? new int[width] : null;
    }

    @Override
    public void read(int y, byte[] out) {
      int x0 = raster.getMinX();
      int y0 = raster.getMinY() + y;
      for (int c = 0; c < 3; c++) {
        if (c > 0 && bands[c] == bands[c - 1]) {
          for (int x = 0, o = c; x < width; x++, o += 3) {
            out[o] = out[o - 1];
          }
          continue;
        }
        raster.getSamples(x0, y0, width, 1, bands[c], samples);
        int b = bits[c];
        for (int x = 0, o = c; x < width; x++, o += 3) {
          out[o] = (byte) (clipWide && b > 8 ? Math.min(samples[x], 255) : to8(samples[x], b));
        }
      }
      if (alpha != null) {
        unpremultiply(x0, y0, out);
      }
    }

    /** Pillow's {@code unpackRGBa}: 0 where alpha is 0, as is where it is 255, else {@code min(255, c * 255 / a)}. */
    private void unpremultiply(int x0, int y0, byte[] out) {
      raster.getSamples(x0, y0, width, 1, alphaBand, alpha);
      for (int x = 0, o = 0; x < width; x++, o += 3) {
        int a = to8(alpha[x], alphaBits);
        if (a == 255) {
          continue;
        }
        for (int c = 0; c < 3; c++) {
          out[o + c] = a == 0 ? 0 : (byte) Math.min(255, (out[o + c] & 0xff) * 255 / a);
        }
      }
    }
  }

  /** CMYK component samples (TIFF, or a JPEG read as stored) through Pillow's {@code cmyk2rgb}. */
  private static final class Cmyk extends RgbRows {
    private final Raster raster;
    private final int[] bits;
    private final int[] cmyk;

    Cmyk(BufferedImage image) {
      super(image.getWidth(), image.getHeight());
      this.raster = image.getRaster();
      this.bits = image.getColorModel().getComponentSize();
      this.cmyk = new int[width * raster.getNumBands()];
    }

    @Override
    public void read(int y, byte[] out) {
      int n = raster.getNumBands();
      raster.getPixels(raster.getMinX(), raster.getMinY() + y, width, 1, cmyk);
      for (int x = 0, p = 0, o = 0; x < width; x++, p += n, o += 3) {
        int k = to8(cmyk[p + 3], bits[3]);
        out[o] = (byte) cmykToRgb(to8(cmyk[p], bits[0]), k);
        out[o + 1] = (byte) cmykToRgb(to8(cmyk[p + 1], bits[1]), k);
        out[o + 2] = (byte) cmykToRgb(to8(cmyk[p + 2], bits[2]), k);
      }
    }
  }

  /** Anything else: Java 2D's conversion to sRGB, alpha bits ignored. */
  private static final class Converted extends RgbRows {
    private final BufferedImage image;
    private final int[] argb;

    Converted(BufferedImage image) {
      super(image.getWidth(), image.getHeight());
      this.image = image;
      this.argb = new int[width];
    }

    @Override
    public void read(int y, byte[] out) {
      image.getRGB(0, y, width, 1, argb, 0, width);
      for (int x = 0, o = 0; x < width; x++, o += 3) {
        int p = argb[x];
        out[o] = (byte) (p >>> 16);
        out[o + 1] = (byte) (p >>> 8);
        out[o + 2] = (byte) p;
      }
    }
  }
}
