package io.scriptorium.pipeline.parse;

import java.io.Serializable;

/**
 * One text line found by the spotting task.
 *
 * @param lineNo 0-based position in the model's output
 * @param text the recognised text, trimmed, with all markup removed
 * @param box the line's box on the 0..1000 grid; null when the model gave none or it could not be read
 */
public record Spot(int lineNo, String text, Box box) implements Serializable {
  private static final long serialVersionUID = 1L;

  public Spot {
    text = text == null ? "" : text;
  }
}
