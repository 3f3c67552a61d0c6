package io.scriptorium.udfs;

import static org.apache.spark.sql.functions.udf;

import io.scriptorium.pipeline.layout.ReadingOrder;
import io.scriptorium.pipeline.parse.Box;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.api.java.UDF3;
import org.apache.spark.sql.api.java.UDF4;
import org.apache.spark.sql.api.java.UDF6;
import org.apache.spark.sql.api.java.UDF8;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Box geometry. A box is a {@code struct<x1:int, y1:int, x2:int, y2:int>} (what {@code ocr_box} builds; any struct
 * with those four fields works, e.g. {@code named_struct(...)} or {@code struct(x1, y1, x2, y2)} over spots), or the
 * same four integers passed inline. Corners may come in any order. Boxes are half-open pixel rectangles:
 * {@code (0,0,10,10)} has area 100.
 */
final class BoxFunctions {
  static final StructType BOX = new StructType()
      .add("x1", DataTypes.IntegerType)
      .add("y1", DataTypes.IntegerType)
      .add("x2", DataTypes.IntegerType)
      .add("y2", DataTypes.IntegerType);

  private BoxFunctions() {}

  static List<SqlFunction> functions() {
    return List.of(
        new SqlFunction("ocr_box",
            "_FUNC_(x1, y1, x2, y2) - Returns the box struct<x1:int, y1:int, x2:int, y2:int> with its corners put in "
                + "order (x1 <= x2, y1 <= y2); NULL if any argument is NULL, not integral, or outside the int range.",
            "x1, y1, x2, y2 - integral coordinates (pixels, or the model's 0-1000 grid)",
            "> SELECT _FUNC_(30, 40, 10, 20);\n {\"x1\":10,\"y1\":20,\"x2\":30,\"y2\":40}",
            Map.of(4, () -> udf((UDF4<Object, Object, Object, Object, Row>) (a, b, c, d) -> row(Args.box(a, b, c, d)),
                BOX))),
        new SqlFunction("ocr_box_area",
            "_FUNC_(box) or _FUNC_(x1, y1, x2, y2) - Returns the area of the box, (x2 - x1) * (y2 - y1), as a BIGINT; "
                + "NULL if the box is NULL or malformed.",
            "box - struct with integral fields x1, y1, x2, y2 (or the four values inline)",
            "> SELECT _FUNC_(ocr_box(0, 0, 10, 20));\n 200\n> SELECT _FUNC_(x1, y1, x2, y2) FROM scriptorium.current_spots;",
            Map.of(
                1, () -> udf((UDF1<Object, Long>) b -> area(Args.box(b)), DataTypes.LongType),
                4, () -> udf((UDF4<Object, Object, Object, Object, Long>) (a, b, c, d) -> area(Args.box(a, b, c, d)),
                    DataTypes.LongType))),
        new SqlFunction("ocr_box_iou",
            "_FUNC_(a, b) or _FUNC_(ax1, ay1, ax2, ay2, bx1, by1, bx2, by2) - Returns the intersection over union of two "
                + "boxes, in [0, 1]; NULL if a box is NULL or malformed, or neither box has any area.",
            "a, b - boxes (structs with x1, y1, x2, y2, or eight values inline)",
            "> SELECT _FUNC_(ocr_box(0, 0, 10, 10), ocr_box(5, 0, 15, 10));\n 0.3333333333333333",
            Map.of(
                2, () -> udf((UDF2<Object, Object, Double>) (a, b) -> iou(Args.box(a), Args.box(b)), DataTypes.DoubleType),
                8, () -> udf((UDF8<Object, Object, Object, Object, Object, Object, Object, Object, Double>)
                    (a1, b1, c1, d1, a2, b2, c2, d2) -> iou(Args.box(a1, b1, c1, d1), Args.box(a2, b2, c2, d2)),
                    DataTypes.DoubleType))),
        new SqlFunction("ocr_box_contains",
            "_FUNC_(outer, inner) or _FUNC_(ox1, oy1, ox2, oy2, ix1, iy1, ix2, iy2) - Returns true if the inner box lies "
                + "entirely inside the outer box, edges included; NULL if a box is NULL or malformed.",
            "outer, inner - boxes (structs with x1, y1, x2, y2, or eight values inline)",
            "> SELECT _FUNC_(ocr_box(0, 0, 100, 100), ocr_box(10, 10, 100, 50));\n true",
            Map.of(
                2, () -> udf((UDF2<Object, Object, Boolean>) (a, b) -> contains(Args.box(a), Args.box(b)),
                    DataTypes.BooleanType),
                8, () -> udf((UDF8<Object, Object, Object, Object, Object, Object, Object, Object, Boolean>)
                    (a1, b1, c1, d1, a2, b2, c2, d2) -> contains(Args.box(a1, b1, c1, d1), Args.box(a2, b2, c2, d2)),
                    DataTypes.BooleanType))),
        new SqlFunction("ocr_denormalize_box",
            "_FUNC_(box, width, height) or _FUNC_(x1, y1, x2, y2, width, height) - Returns a box on the model's "
                + "0-1000 grid scaled to an image of width x height pixels the way the reference implementation does "
                + "(int(v * size / 1000), coordinates clamped to 0-1000); NULL if an argument is NULL or malformed, or "
                + "a size is not positive.",
            "box - grid box (struct with x1, y1, x2, y2, or four values inline)\n"
                + "width, height - the image size in pixels",
            "> SELECT _FUNC_(ocr_box(100, 200, 500, 1000), 2000, 1000);\n {\"x1\":200,\"y1\":200,\"x2\":1000,\"y2\":1000}",
            Map.of(
                3, () -> udf((UDF3<Object, Object, Object, Row>) (b, w, h) -> denormalize(Args.box(b), w, h), BOX),
                6, () -> udf((UDF6<Object, Object, Object, Object, Object, Object, Row>)
                    (a, b, c, d, w, h) -> denormalize(Args.box(a, b, c, d), w, h), BOX))));
  }

  static Long area(ReadingOrder.Box box) {
    return box == null ? null : box.area();
  }

  static Double iou(ReadingOrder.Box a, ReadingOrder.Box b) {
    if (a == null || b == null) {
      return null;
    }
    long intersection = a.intersection(b);
    long union = a.area() + b.area() - intersection;
    return union <= 0 ? null : (double) intersection / union;
  }

  static Boolean contains(ReadingOrder.Box outer, ReadingOrder.Box inner) {
    return outer == null || inner == null ? null : outer.contains(inner);
  }

  static Row denormalize(ReadingOrder.Box grid, Object width, Object height) {
    Long w = Args.integer(width);
    Long h = Args.integer(height);
    if (grid == null || w == null || h == null || w < 1 || h < 1 || w > Integer.MAX_VALUE || h > Integer.MAX_VALUE) {
      return null;
    }
    Box clamped = new Box(clamp(grid.x1()), clamp(grid.y1()), clamp(grid.x2()), clamp(grid.y2()));
    Box px = clamped.denormalize(w.intValue(), h.intValue());
    return RowFactory.create(px.x1(), px.y1(), px.x2(), px.y2());
  }

  private static int clamp(long v) {
    return (int) Math.max(0, Math.min(Box.GRID, v));
  }

  static Row row(ReadingOrder.Box box) {
    return box == null ? null : RowFactory.create((int) box.x1(), (int) box.y1(), (int) box.x2(), (int) box.y2());
  }
}
