package io.scriptorium.pipeline.layout;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Puts recognised text lines in reading order and joins them into a page's text.
 *
 * <p>The rule, which the SQL view {@code scriptorium.page_text} repeats exactly:
 *
 * <ol>
 *   <li>Boxed lines are sorted by vertical centre ({@code y1 + y2}), then {@code x1}, then line number.
 *   <li>Walking that order, a line starts a new row unless its vertical centre lies at or above the bottom
 *       ({@code y2}) of the line that opened the current row; rows are numbered from 0.
 *   <li>The page's lines are ordered by (row, {@code x1}, line number): lines of one row are joined with a space,
 *       rows with a newline.
 *   <li>Lines without a box follow, in line-number order, one per row.
 * </ol>
 *
 * <p>Rows span the whole page width, so the lines of side-by-side columns interleave; the model's own line order
 * ({@code line_no}) or the parse task's Markdown keep columns apart.
 */
public final class ReadingOrder {
  private ReadingOrder() {}

  /**
   * A text line with an optional box.
   *
   * @param lineNo the model's output position, the last tie-breaker
   * @param text the line's text; null reads as ""
   * @param box the box, or null
   */
  public record Line(int lineNo, String text, Box box) {
    public Line {
      text = text == null ? "" : text;
    }
  }

  /**
   * An axis-aligned box; the constructor puts the corners in order.
   *
   * @param x1 left
   * @param y1 top
   * @param x2 right
   * @param y2 bottom
   */
  public record Box(long x1, long y1, long x2, long y2) {
    public Box {
      long left = Math.min(x1, x2);
      long right = Math.max(x1, x2);
      long top = Math.min(y1, y2);
      long bottom = Math.max(y1, y2);
      x1 = left;
      x2 = right;
      y1 = top;
      y2 = bottom;
    }

    public long area() {
      return (x2 - x1) * (y2 - y1);
    }

    /** The area this box shares with {@code other}; 0 when they do not overlap. */
    public long intersection(Box other) {
      long w = Math.min(x2, other.x2) - Math.max(x1, other.x1);
      long h = Math.min(y2, other.y2) - Math.max(y1, other.y1);
      return w <= 0 || h <= 0 ? 0 : w * h;
    }

    /** Whether {@code inner} lies entirely inside this box, edges included. */
    public boolean contains(Box inner) {
      return inner.x1 >= x1 && inner.y1 >= y1 && inner.x2 <= x2 && inner.y2 <= y2;
    }

    /**
     * The fraction of this box's area inside {@code region}; for a box without area (a point or a segment), 1 when
     * its centre lies inside the region, edges included, else 0.
     */
    public double fractionInside(Box region) {
      long area = area();
      if (area == 0) {
        long cx2 = x1 + x2;
        long cy2 = y1 + y2;
        return cx2 >= 2 * region.x1 && cx2 <= 2 * region.x2 && cy2 >= 2 * region.y1 && cy2 <= 2 * region.y2 ? 1 : 0;
      }
      return (double) intersection(region) / area;
    }
  }

  /** The lines in reading order, grouped into rows (see the class comment); null lines are skipped. */
  public static List<List<Line>> rows(List<Line> lines) {
    List<Line> boxed = new ArrayList<>();
    List<Line> unboxed = new ArrayList<>();
    for (Line line : lines) {
      if (line != null) {
        (line.box() == null ? unboxed : boxed).add(line);
      }
    }
    boxed.sort(Comparator.<Line>comparingLong(l -> l.box().y1() + l.box().y2())
        .thenComparingLong(l -> l.box().x1())
        .thenComparingInt(Line::lineNo));
    List<List<Line>> rows = new ArrayList<>();
    long rowBottom = 0;
    for (Line line : boxed) {
      long centre2 = line.box().y1() + line.box().y2();
      if (rows.isEmpty() || centre2 > 2 * rowBottom) {
        rows.add(new ArrayList<>());
        rowBottom = line.box().y2();
      }
      rows.get(rows.size() - 1).add(line);
    }
    for (List<Line> row : rows) {
      row.sort(Comparator.<Line>comparingLong(l -> l.box().x1()).thenComparingInt(Line::lineNo));
    }
    unboxed.sort(Comparator.comparingInt(Line::lineNo));
    for (Line line : unboxed) {
      rows.add(List.of(line));
    }
    return rows;
  }

  /** The page text: the lines of a row joined with a space, rows joined with a newline; "" for no lines. */
  public static String text(List<Line> lines) {
    StringBuilder out = new StringBuilder();
    boolean first = true;
    for (List<Line> row : rows(lines)) {
      if (!first) {
        out.append('\n');
      }
      first = false;
      for (int i = 0; i < row.size(); i++) {
        if (i > 0) {
          out.append(' ');
        }
        out.append(row.get(i).text());
      }
    }
    return out.toString();
  }

  /**
   * The text of the lines with at least {@code minFraction} of their box inside {@code region} (see
   * {@link Box#fractionInside}), in reading order; lines without a box are never inside.
   */
  public static String textInRegion(List<Line> lines, Box region, double minFraction) {
    List<Line> inside = new ArrayList<>();
    for (Line line : lines) {
      if (line != null && line.box() != null && line.box().fractionInside(region) >= minFraction) {
        inside.add(line);
      }
    }
    return text(inside);
  }
}
