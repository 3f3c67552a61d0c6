package io.scriptorium.pipeline.pages;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorConvertOp;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.awt.image.DirectColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Conversion of decoded images to 8-bit RGB, like Pillow's {@code convert("RGB")}: alpha is dropped rather than
 * composited, grey is replicated into R, G and B as is, 16-bit samples keep their high byte.
 */
final class Rgb {
  private Rgb() {}

  /** The image itself when it is already 8-bit RGB, else a {@code TYPE_3BYTE_BGR} or {@code TYPE_INT_RGB} copy. */
  static BufferedImage toRgb(BufferedImage src) {
    int type = src.getType();
    if (type == BufferedImage.TYPE_3BYTE_BGR || type == BufferedImage.TYPE_INT_RGB) {
      return src;
    }
    ColorModel cm = src.getColorModel();
    int csType = cm.getColorSpace().getType();
    if (cm instanceof IndexColorModel icm) {
      return fromPalette(src, icm);
    }
    int transfer = src.getRaster().getTransferType();
    boolean integral = transfer == DataBuffer.TYPE_BYTE || transfer == DataBuffer.TYPE_USHORT;
    if (cm instanceof ComponentColorModel && integral
        && (csType == ColorSpace.TYPE_GRAY || csType == ColorSpace.TYPE_RGB)) {
      // Direct sample copy: Java 2D would treat grey as linear and brighten it on the way to sRGB.
      return fromComponents(src, cm);
    }
    if (cm instanceof DirectColorModel && csType == ColorSpace.TYPE_RGB) {
      return fromPacked(src);
    }
    return converted(src); // CMYK, YCbCr, Lab, float samples: let the colour management do it
  }

  /** Lower-case hex sha256 of the pixels as R, G, B bytes, row by row. */
  static String sha256(BufferedImage rgb) {
    MessageDigest digest = newDigest();
    int w = rgb.getWidth();
    Raster raster = rgb.getRaster();
    int[] pixels = new int[w * 3];
    byte[] line = new byte[w * 3];
    for (int y = 0; y < rgb.getHeight(); y++) {
      raster.getPixels(0, y, w, 1, pixels); // R, G, B per pixel for both output types
      for (int i = 0; i < line.length; i++) {
        line[i] = (byte) pixels[i];
      }
      digest.update(line);
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
    }
  }

  private static BufferedImage fromPalette(BufferedImage src, IndexColorModel icm) {
    int[] palette = new int[icm.getMapSize()];
    icm.getRGBs(palette);
    int w = src.getWidth();
    BufferedImage out = new BufferedImage(w, src.getHeight(), BufferedImage.TYPE_INT_RGB);
    int[] dst = ((DataBufferInt) out.getRaster().getDataBuffer()).getData();
    int[] index = new int[w];
    Raster raster = src.getRaster();
    for (int y = 0; y < src.getHeight(); y++) {
      raster.getSamples(0, y, w, 1, 0, index);
      for (int x = 0; x < w; x++) {
        int i = index[x];
        dst[y * w + x] = i < palette.length ? palette[i] & 0xFFFFFF : 0;
      }
    }
    return out;
  }

  private static BufferedImage fromComponents(BufferedImage src, ColorModel cm) {
    Raster raster = src.getRaster();
    int w = src.getWidth();
    int bands = raster.getNumBands();
    boolean grey = cm.getNumColorComponents() == 1;
    int bits = cm.getComponentSize(0);
    BufferedImage out = new BufferedImage(w, src.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
    byte[] dst = ((DataBufferByte) out.getRaster().getDataBuffer()).getData();
    int[] row = new int[w * bands];
    int o = 0;
    for (int y = 0; y < src.getHeight(); y++) {
      raster.getPixels(0, y, w, 1, row);
      for (int x = 0, p = 0; x < w; x++, p += bands) {
        int r = to8(row[p], bits);
        int g = grey ? r : to8(row[p + 1], bits);
        int b = grey ? r : to8(row[p + 2], bits);
        dst[o++] = (byte) b;
        dst[o++] = (byte) g;
        dst[o++] = (byte) r;
      }
    }
    return out;
  }

  private static int to8(int sample, int bits) {
    if (bits == 8) {
      return sample;
    }
    if (bits > 8) {
      return sample >>> (bits - 8);
    }
    int max = (1 << bits) - 1;
    return (sample * 255 + max / 2) / max;
  }

  private static BufferedImage fromPacked(BufferedImage src) {
    int w = src.getWidth();
    BufferedImage out = new BufferedImage(w, src.getHeight(), BufferedImage.TYPE_INT_RGB);
    int[] dst = ((DataBufferInt) out.getRaster().getDataBuffer()).getData();
    for (int y = 0; y < src.getHeight(); y++) {
      src.getRGB(0, y, w, 1, dst, y * w, w);
    }
    for (int i = 0; i < dst.length; i++) {
      dst[i] &= 0xFFFFFF;
    }
    return out;
  }

  private static BufferedImage converted(BufferedImage src) {
    BufferedImage out = new BufferedImage(src.getWidth(), src.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
    new ColorConvertOp(null).filter(src, out);
    return out;
  }
}
