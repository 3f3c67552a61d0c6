package io.scriptorium.pipeline.pages;

import io.scriptorium.model.RgbRows;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.Raster;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Decoded images to 8-bit RGB exactly as Pillow's {@code convert("RGB")} does, through the model's own {@link RgbRows}
 * (one definition of the conversion for the page readers and the preprocessing): embedded ICC profiles ignored, alpha
 * dropped rather than composited, grey replicated, palettes looked up, CMYK by Pillow's formula.
 */
final class Rgb {
  private Rgb() {}

  /** The image itself when it is already 8-bit RGB, else a {@code TYPE_3BYTE_BGR} copy (3 bytes a pixel). */
  static BufferedImage toRgb(BufferedImage src) {
    int type = src.getType();
    if (type == BufferedImage.TYPE_3BYTE_BGR || type == BufferedImage.TYPE_INT_RGB) {
      return src;
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
}
