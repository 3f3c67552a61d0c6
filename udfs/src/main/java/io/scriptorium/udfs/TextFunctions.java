package io.scriptorium.udfs;

import static org.apache.spark.sql.functions.udf;

import io.scriptorium.pipeline.layout.ReadingOrder;
import io.scriptorium.pipeline.parse.OutputParsers;
import io.scriptorium.pipeline.parse.Spot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.api.java.UDF3;
import org.apache.spark.sql.types.DataTypes;

/**
 * A page's text from its spotting lines, in the reading order of {@link ReadingOrder} (the rule of the
 * {@code scriptorium.page_text} view too).
 *
 * <p>Lines come either as an array of structs (each with a {@code text} field, a box as fields {@code x1, y1, x2,
 * y2} or as a struct field {@code box}, and optionally {@code line_no}; e.g. {@code collect_list(struct(*))} over
 * {@code scriptorium.current_spots}), or as a raw spotting answer (a string), which is parsed; its boxes are on the
 * 0-1000 grid.
 */
final class TextFunctions {
  static final double DEFAULT_MIN_FRACTION = 0.5;

  private TextFunctions() {}

  static List<SqlFunction> functions() {
    return List.of(
        new SqlFunction("ocr_page_text",
            "_FUNC_(spots) - Returns the lines joined in reading order: rows top to bottom (a line joins a row when "
                + "its vertical centre is not below the bottom of the row's first line), left to right within a row "
                + "joined by spaces, rows by newlines, lines without a box last. '' for no lines; NULL if spots is "
                + "NULL or not lines.",
            "spots - array<struct<text, x1, y1, x2, y2 [, line_no]>> (NULL elements skipped), or a raw spotting answer",
            "> SELECT page_id, _FUNC_(collect_list(struct(line_no, text, x1, y1, x2, y2))) FROM "
                + "scriptorium.current_spots GROUP BY page_id;\n"
                + "> SELECT _FUNC_('<ref>world</ref><quad>(500,10),(900,40)</quad><ref>hello</ref><quad>(10,12),(400,38)</quad>');\n"
                + " hello world",
            Map.of(1, () -> udf((UDF1<Object, String>) TextFunctions::pageText, DataTypes.StringType))),
        new SqlFunction("ocr_text_in_region",
            "_FUNC_(spots, region[, min_fraction]) - Returns the text of the lines lying inside the region (at least "
                + "min_fraction of a line's box area, default 0.5; a box without area counts by its centre), in "
                + "the reading order of ocr_page_text. '' when none; NULL if an argument is NULL or malformed.",
            "spots - as for ocr_page_text (boxes in pixels; for a raw answer, on the 0-1000 grid)\n"
                + "region - box struct (see ocr_box)\n"
                + "min_fraction - share of a line's box area that must lie inside, in [0, 1]",
            "> SELECT page_id, _FUNC_(collect_list(struct(line_no, text, x1, y1, x2, y2)), ocr_box(0, 0, 1000, 300)) "
                + "FROM scriptorium.current_spots GROUP BY page_id;",
            Map.of(
                2, () -> udf((UDF2<Object, Object, String>) (spots, region) ->
                    textInRegion(spots, region, DEFAULT_MIN_FRACTION), DataTypes.StringType),
                3, () -> udf((UDF3<Object, Object, Object, String>) (spots, region, fraction) ->
                    textInRegion(spots, region, Args.real(fraction)), DataTypes.StringType))));
  }

  static String pageText(Object spots) {
    List<ReadingOrder.Line> lines = lines(spots);
    return lines == null ? null : ReadingOrder.text(lines);
  }

  static String textInRegion(Object spots, Object region, Double minFraction) {
    List<ReadingOrder.Line> lines = lines(spots);
    ReadingOrder.Box box = Args.box(region);
    if (lines == null || box == null || minFraction == null || minFraction < 0 || minFraction > 1) {
      return null;
    }
    return ReadingOrder.textInRegion(lines, box, minFraction);
  }

  /** The lines of an array of spot structs or of a raw spotting answer; null if it is neither. */
  static List<ReadingOrder.Line> lines(Object spots) {
    if (spots instanceof String raw) {
      List<ReadingOrder.Line> lines = new ArrayList<>();
      for (Spot spot : OutputParsers.spotting(raw).records()) {
        ReadingOrder.Box box = spot.box() == null ? null
            : new ReadingOrder.Box(spot.box().x1(), spot.box().y1(), spot.box().x2(), spot.box().y2());
        lines.add(new ReadingOrder.Line(spot.lineNo(), spot.text(), box));
      }
      return lines;
    }
    List<Object> items = Args.list(spots);
    if (items == null) {
      return null;
    }
    List<ReadingOrder.Line> lines = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      Object item = items.get(i);
      if (item == null) {
        continue;
      }
      if (!(item instanceof Row row) || !Args.hasField(row, "text")) {
        return null;
      }
      Long lineNo = Args.integer(Args.field(row, "line_no"));
      Object text = Args.field(row, "text");
      ReadingOrder.Box box = Args.hasField(row, "box") ? Args.box(Args.field(row, "box"))
          : Args.box(Args.field(row, "x1"), Args.field(row, "y1"), Args.field(row, "x2"), Args.field(row, "y2"));
      int no = lineNo == null || lineNo < Integer.MIN_VALUE || lineNo > Integer.MAX_VALUE ? i : lineNo.intValue();
      lines.add(new ReadingOrder.Line(no, text == null ? "" : text.toString(), box));
    }
    return lines;
  }
}
