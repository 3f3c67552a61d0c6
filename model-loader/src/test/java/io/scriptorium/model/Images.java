package io.scriptorium.model;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/** Test image helpers. */
final class Images {
  private Images() {}

  static BufferedImage resource(String path) {
    try (InputStream in = Images.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalArgumentException("missing test resource " + path);
      }
      return ImageIO.read(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** All rows as interleaved RGB bytes through the runtime's own conversion. */
  static byte[] rgb(BufferedImage image) {
    RgbRows rows = RgbRows.of(image);
    byte[] out = new byte[image.getWidth() * image.getHeight() * 3];
    byte[] line = new byte[image.getWidth() * 3];
    for (int y = 0; y < image.getHeight(); y++) {
      rows.read(y, line);
      System.arraycopy(line, 0, out, y * line.length, line.length);
    }
    return out;
  }

  /** A copy in another BufferedImage type, pixel for pixel. */
  static BufferedImage copy(BufferedImage image, int type) {
    BufferedImage out = new BufferedImage(image.getWidth(), image.getHeight(), type);
    out.getGraphics().drawImage(image, 0, 0, null);
    return out;
  }

  static int maxAbsDiff(byte[] a, byte[] b) {
    int max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs((a[i] & 0xff) - (b[i] & 0xff)));
    }
    return max;
  }
}
