package io.scriptorium.pipeline;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import javax.imageio.ImageIO;

/** Small synthetic page images with distinct content, and a tiny-twin bundle under another revision. */
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

  /** Writes {@link #png} of {@code label} to {@code dir/name}, with a modification time unique to the label. */
  public static Path write(Path dir, String name, String label) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve(name);
    Files.write(file, png(label));
    // A changed file must look changed to size/time planning even within the file system's time granularity.
    Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + Math.floorMod(label.hashCode(), 1000) * 1000L));
    return file;
  }

  /** A copy of the embedded tiny twin whose manifest names another revision (same weights). */
  public static Path tinyBundleWithRevision(Path dir, String revision) throws IOException {
    Files.createDirectories(dir);
    for (String file : new String[] {"model.pt", "tokenizer.json", "manifest.json"}) {
      try (InputStream in = TestPages.class.getClassLoader().getResourceAsStream("io/scriptorium/model/tiny/" + file)) {
        Files.copy(in, dir.resolve(file), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    Path manifest = dir.resolve("manifest.json");
    String text = Files.readString(manifest)
        .replaceFirst("\"model_revision\"\\s*:\\s*\"[^\"]*\"", "\"model_revision\": \"" + revision + "\"");
    Files.writeString(manifest, text);
    return dir;
  }
}
