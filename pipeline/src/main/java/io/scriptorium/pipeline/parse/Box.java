package io.scriptorium.pipeline.parse;

import java.io.Serializable;

/**
 * An axis-aligned box. Parsers produce boxes on the model's 0..1000 grid (relative to the original image's width and
 * height, independent of any resize); {@link #denormalize} turns one into pixels.
 *
 * <p>The constructor puts the corners in order ({@code x1 <= x2}, {@code y1 <= y2}) and raises negative values to 0,
 * so every box is well formed. Parsers clamp values above 1000 themselves and say so in a warning.
 *
 * @param x1 left
 * @param y1 top
 * @param x2 right
 * @param y2 bottom
 */
public record Box(int x1, int y1, int x2, int y2) implements Serializable {
  /** The side of the model's coordinate grid. */
  public static final int GRID = 1000;

  private static final long serialVersionUID = 1L;

  public Box {
    int left = Math.max(0, Math.min(x1, x2));
    int right = Math.max(0, Math.max(x1, x2));
    int top = Math.max(0, Math.min(y1, y2));
    int bottom = Math.max(0, Math.max(y1, y2));
    x1 = left;
    x2 = right;
    y1 = top;
    y2 = bottom;
  }

  /**
   * Scales this grid box to an image of {@code width x height} pixels the way the reference implementation does
   * ({@code int(v * W / 1000)}, truncating). Coordinates are first clamped to 0..1000 and negative sizes count as 0,
   * so the result always lies inside the image.
   */
  public Box denormalize(int width, int height) {
    int w = Math.max(0, width);
    int h = Math.max(0, height);
    return new Box(scale(x1, w), scale(y1, h), scale(x2, w), scale(y2, h));
  }

  private static int scale(int v, int size) {
    long clamped = Math.min(GRID, Math.max(0, v));
    // Same arithmetic as Python's int(v * W / 1000): exact product, one correctly rounded division, truncation.
    return (int) ((double) (clamped * size) / GRID);
  }
}
