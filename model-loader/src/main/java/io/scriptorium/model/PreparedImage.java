package io.scriptorium.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;

/**
 * An image after preprocessing: resized to the patch grid and normalised, ready for the vision encoder. Made by
 * {@link OcrRuntime#prepare} on any thread; holds {@code gridH * gridW * 768} floats.
 */
public final class PreparedImage {
  private final int originalWidth;
  private final int originalHeight;
  private final int resizedWidth;
  private final int resizedHeight;
  private final int gridH;
  private final int gridW;
  private final long preprocessNanos;
  private final float[] pixels;
  private final String preprocessingKey;

  PreparedImage(
      int originalWidth,
      int originalHeight,
      int resizedWidth,
      int resizedHeight,
      int gridH,
      int gridW,
      long preprocessNanos,
      float[] pixels,
      String preprocessingKey) {
    this.originalWidth = originalWidth;
    this.originalHeight = originalHeight;
    this.resizedWidth = resizedWidth;
    this.resizedHeight = resizedHeight;
    this.gridH = gridH;
    this.gridW = gridW;
    this.preprocessNanos = preprocessNanos;
    this.pixels = pixels;
    this.preprocessingKey = preprocessingKey;
  }

  public int originalWidth() {
    return originalWidth;
  }

  public int originalHeight() {
    return originalHeight;
  }

  public int resizedWidth() {
    return resizedWidth;
  }

  public int resizedHeight() {
    return resizedHeight;
  }

  /** Patch rows (resized height / patch size). */
  public int gridH() {
    return gridH;
  }

  /** Patch columns (resized width / patch size). */
  public int gridW() {
    return gridW;
  }

  public long preprocessNanos() {
    return preprocessNanos;
  }

  /** {@code [gridH * gridW, 3 * patch * patch]} row-major; shared, not copied. */
  float[] pixels() {
    return pixels;
  }

  /** {@code [gridH * gridW, 3 * patch * patch]}: the shape of the pixel values. */
  public int[] pixelValuesShape() {
    int rows = gridH * gridW;
    return new int[] {rows, rows == 0 ? 0 : pixels.length / rows};
  }

  /**
   * Lower-case hex sha256 of the pixel values as little-endian float32, row-major: the {@code pixel_values_sha256}
   * that {@code hunyuan_ocr.py preprocess} prints for the same image and bundle.
   */
  public String pixelValuesSha256() {
    MessageDigest digest = Sha256.newDigest();
    ByteBuffer buffer = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    for (float value : pixels) {
      if (!buffer.hasRemaining()) {
        digest.update(buffer.array(), 0, buffer.position());
        buffer.clear();
      }
      buffer.putFloat(value);
    }
    digest.update(buffer.array(), 0, buffer.position());
    return Sha256.finish(digest);
  }

  /** Identifies the preprocessing settings, so an image prepared for another bundle is refused. */
  String preprocessingKey() {
    return preprocessingKey;
  }

  @Override
  public String toString() {
    return "PreparedImage[" + originalWidth + "x" + originalHeight + " -> " + resizedWidth + "x" + resizedHeight
        + ", grid " + gridH + "x" + gridW + "]";
  }
}
