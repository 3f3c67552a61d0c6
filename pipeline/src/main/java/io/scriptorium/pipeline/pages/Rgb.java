package io.scriptorium.pipeline.pages;

import io.scriptorium.model.RgbRows;
import io.scriptorium.model.Sha256;
import java.awt.Point;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.awt.image.MultiPixelPackedSampleModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.MessageDigest;

/**
 * Decoded images to 8-bit RGB exactly as Pillow's {@code convert("RGB")} does, through the model's own {@link RgbRows}
 * (one definition of the conversion for the page readers and the preprocessing): embedded ICC profiles ignored, alpha
 * dropped rather than composited, grey replicated, palettes looked up, CMYK by Pillow's formula.
 */
final class Rgb {
  /** Eight bytes at a time, in any byte order (copied as they are). */
  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());

  private Rgb() {}

  /** The image itself when it is already 8-bit RGB, else a {@code TYPE_3BYTE_BGR} copy (3 bytes a pixel). */
  static BufferedImage toRgb(BufferedImage src) {
    int type = src.getType();
    if (type == BufferedImage.TYPE_3BYTE_BGR || type == BufferedImage.TYPE_INT_RGB) {
      return src;
    }
    BufferedImage bilevel = bilevel(src);
    if (bilevel != null) {
      return bilevel;
    }
    RgbRows rows = RgbRows.of(src);
    int w = src.getWidth();
    BufferedImage out = new BufferedImage(w, src.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
    byte[] dst = ((DataBufferByte) out.getRaster().getDataBuffer()).getData();
    byte[] line = new byte[w * 3];
    for (int y = 0, o = 0; y < src.getHeight(); y++) {
      rows.read(y, line);
      for (int i = 0; i < line.length; i += 3, o += 3) {
        dst[o] = line[i + 2];
        dst[o + 1] = line[i + 1];
        dst[o + 2] = line[i];
      }
    }
    return out;
  }

  /**
   * A bilevel image (CCITT TIFF scans, 1-bit BMP and GIF: one bit a pixel, two palette entries) as a
   * {@code TYPE_3BYTE_BGR} copy, eight pixels at a time through a table of its two colours; null for any other layout.
   * The same bytes as {@link RgbRows} (an entry's RGB, alpha ignored, black past the palette's end), which reads such a
   * raster a sample at a time: about 60 ms against 6 ms for a 17-megapixel scan.
   */
  static BufferedImage bilevel(BufferedImage src) {
    WritableRaster raster = src.getRaster();
    if (!(src.getColorModel() instanceof IndexColorModel icm)
        || !(raster.getSampleModel() instanceof MultiPixelPackedSampleModel sm) || sm.getPixelBitStride() != 1
        || sm.getDataBitOffset() != 0 || !(raster.getDataBuffer() instanceof DataBufferByte buffer)
        || buffer.getNumBanks() != 1 || raster.getSampleModelTranslateX() != 0
        || raster.getSampleModelTranslateY() != 0) {
      return null;
    }
    int[] colour = new int[2]; // 0xRRGGBB of index 0 and 1
    for (int i = 0; i < Math.min(2, icm.getMapSize()); i++) {
      colour[i] = icm.getRGB(i);
    }
    byte[] eight = new byte[256 * 24]; // the 8 pixels of every byte value, B, G, R each
    for (int b = 0, o = 0; b < 256; b++) {
      for (int bit = 7; bit >= 0; bit--, o += 3) {
        int c = colour[(b >>> bit) & 1];
        eight[o] = (byte) c;
        eight[o + 1] = (byte) (c >>> 8);
        eight[o + 2] = (byte) (c >>> 16);
      }
    }
    int w = src.getWidth();
    int h = src.getHeight();
    byte[] in = buffer.getData();
    byte[] out = new byte[w * h * 3];
    int whole = w >>> 3;
    int rest = w & 7;
    for (int y = 0, o = 0; y < h; y++) {
      int i = buffer.getOffset() + y * sm.getScanlineStride();
      for (int end = i + whole; i < end; i++, o += 24) {
        int t = (in[i] & 0xff) * 24;
        LONGS.set(out, o, (long) LONGS.get(eight, t));
        LONGS.set(out, o + 8, (long) LONGS.get(eight, t + 8));
        LONGS.set(out, o + 16, (long) LONGS.get(eight, t + 16));
      }
      if (rest > 0) {
        System.arraycopy(eight, (in[i] & 0xff) * 24, out, o, rest * 3);
        o += rest * 3;
      }
    }
    return bgrImage(out, w, h);
  }

  /** A {@code TYPE_3BYTE_BGR} image around interleaved B, G, R bytes (no copy). */
  static BufferedImage bgrImage(byte[] bgr, int w, int h) {
    ColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), new int[] {8, 8, 8}, false,
        false, ColorModel.OPAQUE, DataBuffer.TYPE_BYTE);
    WritableRaster raster = Raster.createInterleavedRaster(new DataBufferByte(bgr, bgr.length), w, h, w * 3, 3,
        new int[] {2, 1, 0}, new Point(0, 0));
    BufferedImage image = new BufferedImage(cm, raster, false, null);
    if (image.getType() != BufferedImage.TYPE_3BYTE_BGR) {
      throw new IllegalStateException("expected a TYPE_3BYTE_BGR image, got type " + image.getType());
    }
    return image;
  }

  /** Lower-case hex sha256 of the pixels as R, G, B bytes, row by row. */
  static String sha256(BufferedImage rgb) {
    MessageDigest digest = Sha256.newDigest();
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
    return Sha256.finish(digest);
  }
}
