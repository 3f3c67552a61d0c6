package io.scriptorium.bench;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * Generated text pages for throughput benchmarks: every page differs (its number is printed on it, its words are
 * seeded by it), so content-keyed deduplication never merges two of them.
 */
public final class SyntheticPages {
  private static final String[] WORDS = {
    "archive", "ledger", "parish", "register", "folio", "manuscript", "charter", "deed", "receipt", "letter",
    "invoice", "the", "of", "and", "to", "in", "municipal", "council", "minutes", "meeting", "1887", "1902",
    "total", "amount", "paid", "received", "witness", "signed", "page", "volume", "index", "entry"};

  private SyntheticPages() {}

  /** A {@code width x height} page: a heading, {@code lines} lines of words, a box; RGB. */
  public static BufferedImage page(int index, int width, int height, int lines) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, width, height);
      g.setColor(Color.BLACK);
      Random random = new Random(0x5EED + index);
      int size = Math.max(8, height / (lines + 6) * 2 / 3);
      g.setFont(new Font(Font.SERIF, Font.BOLD, (int) (size * 1.4)));
      int margin = width / 12;
      int y = margin + size;
      g.drawString("Folio " + index, margin, y);
      g.setFont(new Font(Font.SERIF, Font.PLAIN, size));
      int step = (height - y - margin) / Math.max(1, lines);
      for (int l = 0; l < lines; l++) {
        y += step;
        StringBuilder text = new StringBuilder();
        while (g.getFontMetrics().stringWidth(text + " " + WORDS[0]) < width - 2 * margin) {
          text.append(text.length() == 0 ? "" : " ").append(WORDS[random.nextInt(WORDS.length)]);
        }
        g.drawString(text.toString(), margin, y);
      }
      g.drawRect(margin / 2, margin / 2, width - margin, height - margin);
    } finally {
      g.dispose();
    }
    return image;
  }

  /** Writes page {@code index} as a PNG. */
  public static void write(Path file, int index, int width, int height, int lines) throws IOException {
    Files.createDirectories(file.getParent());
    if (!ImageIO.write(page(index, width, height, lines), "png", file.toFile())) {
      throw new IOException("no PNG writer");
    }
  }
}
