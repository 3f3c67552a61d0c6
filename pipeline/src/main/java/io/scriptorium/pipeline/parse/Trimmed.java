package io.scriptorium.pipeline.parse;

import java.io.Serializable;

/**
 * A text after {@link OutputParsers#trimRepetition}, the official HunyuanOCR 1.0 trim.
 *
 * @param text the text, with a looping tail cut to one copy of its unit; never null
 * @param trimmed whether anything was cut
 * @param unitLength the loop's unit in characters (Unicode code points, as Python counts them); 0 when nothing was
 *     cut
 * @param repeats how many back-to-back copies of the unit the tail held before trimming; 0 when nothing was cut
 */
public record Trimmed(String text, boolean trimmed, int unitLength, int repeats) implements Serializable {
  private static final long serialVersionUID = 1L;

  public Trimmed {
    text = text == null ? "" : text;
  }
}
