package io.scriptorium.pipeline.parse;

import java.io.Serializable;

/**
 * One table cell, placed on the table's slot grid (spans of earlier rows pushed it right as a browser would).
 *
 * @param row 0-based row of the cell's top-left slot
 * @param col 0-based column of the cell's top-left slot
 * @param rowspan rows covered, at least 1 (clipped at the last row)
 * @param colspan columns covered, at least 1
 * @param text the cell's text with inline markup dropped and whitespace collapsed
 */
public record Cell(int row, int col, int rowspan, int colspan, String text) implements Serializable {
  private static final long serialVersionUID = 1L;

  public Cell {
    text = text == null ? "" : text;
  }
}
