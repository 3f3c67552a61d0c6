package io.scriptorium.pipeline.parse;

import java.io.Serializable;
import java.util.List;

/**
 * A table from HTML output, made safe to store and render.
 *
 * @param blockOrder the table's {@link Block#order} in its document; 0 for a table parsed on its own
 * @param sanitisedHtml the table as HTML made only of {@code table, caption, thead, tbody, tfoot, tr, td, th} and
 *     text, with no attribute other than {@code colspan}/{@code rowspan} (integers 2..1000); empty when none found
 * @param caption the {@code <caption>} text, or null when there is none
 * @param rows number of rows
 * @param cols number of columns of the slot grid
 * @param cells the cells in document order
 * @param warnings what sanitising and span resolution changed
 */
public record Table(
    int blockOrder,
    String sanitisedHtml,
    String caption,
    int rows,
    int cols,
    List<Cell> cells,
    List<ParseWarning> warnings)
    implements Serializable {
  private static final long serialVersionUID = 1L;

  public Table {
    sanitisedHtml = sanitisedHtml == null ? "" : sanitisedHtml;
    cells = cells == null ? List.of() : List.copyOf(cells);
    warnings = warnings == null ? List.of() : List.copyOf(warnings);
  }
}
