package io.scriptorium.pipeline.derive;

import io.scriptorium.pipeline.parse.Cell;
import io.scriptorium.pipeline.parse.InlineFormula;
import java.util.List;

/**
 * A row of a derived table, without the columns every row takes from its output (key, partition, run, parser
 * version). Components are the table's own columns in schema order, named as the columns in camelCase; nested records
 * are the struct columns.
 */
public sealed interface DerivedRow {
  record BlockRow(int blockNo, String kind, int headingLevel, String text, List<InlineFormula> inlineFormulas)
      implements DerivedRow {}

  record TableRow(int tableNo, int blockNo, String html, String caption, int rowCount, int colCount, List<Cell> cells)
      implements DerivedRow {}

  record FormulaRow(int formulaNo, int blockNo, int position, boolean display, String latex, String equationNumber,
      boolean balanced) implements DerivedRow {}

  /** Pixel edges are null without a box or a page size; grid edges null without a box. */
  record FigureRow(int figureNo, int blockNo, String caption, Integer x1, Integer y1, Integer x2, Integer y2,
      Integer normX1, Integer normY1, Integer normX2, Integer normY2) implements DerivedRow {}

  record FieldRow(int fieldNo, String key, String value) implements DerivedRow {}

  record TranslationRow(String targetLanguage, String text) implements DerivedRow {}

  record WarningRow(int warningNo, String code, String message) implements DerivedRow {}

  /** A spotting line; edges as in {@link FigureRow}. */
  record SpotRow(int lineNo, String text, Integer x1, Integer y1, Integer x2, Integer y2, Integer normX1,
      Integer normY1, Integer normX2, Integer normY2) implements DerivedRow {}
}
