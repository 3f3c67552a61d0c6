package io.scriptorium.pipeline;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/** Small synthetic page images for storage and cluster tests. */
public final class TestPages {
  private TestPages() {}

  /** A 480x200 PNG with the text and a line of lorem ipsum, black on white. */
  public static byte[] png(String text) {
    BufferedImage image = new BufferedImage(480, 200, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, image.getWidth(), image.getHeight());
      g.setColor(Color.BLACK);
      g.setFont(new Font(Font.SERIF, Font.PLAIN, 26));
      g.drawString(text, 20, 80);
      g.drawString("Lorem ipsum dolor sit amet", 20, 140);
    } finally {
      g.dispose();
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
