package io.scriptorium.pipeline.layout;

import static org.assertj.core.api.Assertions.assertThat;

import io.scriptorium.pipeline.layout.ReadingOrder.Box;
import io.scriptorium.pipeline.layout.ReadingOrder.Line;
import io.scriptorium.testing.UnitTest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

@UnitTest
class ReadingOrderTest {
  private static Line line(int no, String text, int x1, int y1, int x2, int y2) {
    return new Line(no, text, new Box(x1, y1, x2, y2));
  }

  @Test
  void rowsTopToBottomLeftToRightUnboxedLast() {
    List<Line> lines = List.of(
        line(0, "world", 500, 10, 900, 40),
        new Line(1, "footnote", null),
        line(2, "second", 10, 60, 300, 90),
        line(3, "hello", 10, 12, 400, 38),
        new Line(4, "margin", null));
    assertThat(ReadingOrder.text(lines)).isEqualTo("hello world\nsecond\nfootnote\nmargin");
    assertThat(ReadingOrder.rows(lines)).hasSize(4);
  }

  @Test
  void aLineJoinsARowWhileItsCentreIsNotBelowTheRowsFirstLine() {
    // first line 0..20 (centre 10); a line centred at 20 joins, one centred at 21 starts a row
    assertThat(ReadingOrder.text(List.of(line(0, "a", 0, 0, 10, 20), line(1, "b", 50, 10, 60, 30)))).isEqualTo("a b");
    assertThat(ReadingOrder.text(List.of(line(0, "a", 0, 0, 10, 20), line(1, "b", 50, 11, 60, 31)))).isEqualTo("a\nb");
    // a tall line does not stretch its row: the row's bottom stays that of the line that opened it
    assertThat(ReadingOrder.text(List.of(line(0, "a", 0, 0, 10, 20), line(1, "tall", 50, 0, 60, 40),
        line(2, "c", 0, 25, 10, 45)))).isEqualTo("a tall\nc");
  }

  @Test
  void cornersInAnyOrderTiesByLineNumberAndNullsSkipped() {
    assertThat(ReadingOrder.text(Arrays.asList(line(1, "y", 10, 10, 0, 0), null, line(0, "x", 0, 0, 10, 10))))
        .isEqualTo("x y");
    assertThat(ReadingOrder.text(List.of())).isEmpty();
    assertThat(ReadingOrder.text(List.of(line(0, "", 0, 0, 1, 1), line(1, "b", 0, 50, 1, 51)))).isEqualTo("\nb");
  }

  @Test
  void regionsByShareOfTheLineArea() {
    List<Line> lines = new ArrayList<>(List.of(line(0, "left", 0, 0, 100, 10), line(1, "right", 200, 0, 300, 10),
        new Line(2, "nobox", null), line(3, "point", 50, 50, 50, 50)));
    Box left = new Box(0, 0, 150, 100);
    assertThat(ReadingOrder.textInRegion(lines, left, 0.5)).isEqualTo("left\npoint");
    assertThat(ReadingOrder.textInRegion(lines, new Box(0, 0, 60, 100), 0.61)).isEqualTo("point");
    assertThat(ReadingOrder.textInRegion(lines, new Box(0, 0, 60, 100), 0.6)).isEqualTo("left\npoint");
    assertThat(new Box(0, 0, 10, 10).fractionInside(new Box(5, 0, 20, 10))).isEqualTo(0.5);
    assertThat(new Box(0, 0, 10, 10).intersection(new Box(10, 0, 20, 10))).isZero();
    assertThat(new Box(0, 0, 10, 10).contains(new Box(0, 0, 10, 10))).isTrue();
  }
}
