package io.scriptorium.pipeline.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.scriptorium.pipeline.eval.SpotMetrics.Line;
import io.scriptorium.pipeline.eval.SpotMetrics.Rect;
import io.scriptorium.testing.UnitTest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

@UnitTest
class SpotMetricsTest {
  private static final List<Line> TRUTH = List.of(
      new Line("The quick brown", new Rect(100, 100, 500, 130)),
      new Line("fox jumps", new Rect(100, 140, 400, 170)),
      new Line("over the", new Rect(100, 180, 380, 210)),
      new Line("lazy dog.", new Rect(100, 220, 360, 250)));

  @Test
  void iou() {
    Rect a = new Rect(0, 0, 10, 10);
    assertThat(a.iou(a)).isEqualTo(1.0);
    assertThat(a.iou(new Rect(6, 0, 16, 10))).isCloseTo(40.0 / 160, within(1e-12)); // shifted by 60% of width
    assertThat(a.iou(new Rect(2, 0, 12, 10))).isCloseTo(80.0 / 120, within(1e-12)); // shifted by 20%
    assertThat(a.iou(new Rect(20, 20, 30, 30))).isEqualTo(0.0);
  }

  @Test
  void truthAsPredictionIsPerfect() {
    SpotMetrics.Result r = SpotMetrics.score(TRUTH, TRUTH, List.of());
    assertThat(r.withText()).isEqualTo(new SpotMetrics.Counts(4, 0, 0));
    assertThat(r.withText().f1()).isEqualTo(1.0);
    assertThat(r.boxOnly().f1()).isEqualTo(1.0);
  }

  @Test
  void shiftedBox() {
    List<Line> p = new ArrayList<>(TRUTH);
    Rect b = TRUTH.get(1).box();
    double w = b.x2() - b.x1();
    p.set(1, new Line("fox jumps", new Rect(b.x1() + 0.6 * w, b.y1(), b.x2() + 0.6 * w, b.y2()))); // IoU 0.25
    SpotMetrics.Result r = SpotMetrics.score(p, TRUTH, List.of());
    assertThat(r.withText()).isEqualTo(new SpotMetrics.Counts(3, 1, 1));
    assertThat(r.withText().precision()).isEqualTo(0.75);
    assertThat(r.withText().recall()).isEqualTo(0.75);
    assertThat(r.withText().f1()).isEqualTo(0.75);
    // by 20% of the width, IoU 2/3: still a hit
    p.set(1, new Line("fox jumps", new Rect(b.x1() + 0.2 * w, b.y1(), b.x2() + 0.2 * w, b.y2())));
    assertThat(SpotMetrics.score(p, TRUTH, List.of()).withText().f1()).isEqualTo(1.0);
  }

  @Test
  void changedCharacterFailsTheTextMatchOnly() {
    List<Line> p = new ArrayList<>(TRUTH);
    p.set(2, new Line("ovar the", TRUTH.get(2).box()));
    SpotMetrics.Result r = SpotMetrics.score(p, TRUTH, List.of());
    assertThat(r.withText()).isEqualTo(new SpotMetrics.Counts(3, 1, 1));
    assertThat(r.boxOnly()).isEqualTo(new SpotMetrics.Counts(4, 0, 0));
    // whitespace and compatibility forms do not matter
    p.set(2, new Line("ｏｖｅｒ  the", TRUTH.get(2).box()));
    assertThat(SpotMetrics.score(p, TRUTH, List.of()).withText().f1()).isEqualTo(1.0);
  }

  @Test
  void droppedLine() {
    SpotMetrics.Result r = SpotMetrics.score(TRUTH.subList(0, 3), TRUTH, List.of());
    assertThat(r.withText()).isEqualTo(new SpotMetrics.Counts(3, 0, 1));
    assertThat(r.withText().precision()).isEqualTo(1.0);
    assertThat(r.withText().recall()).isEqualTo(0.75);
    assertThat(r.withText().f1()).isCloseTo(6.0 / 7, within(1e-12)); // 2 * 1 * 0.75 / 1.75
  }

  @Test
  void ignoredLinesAndDontCareRegionsAbsorbPredictions() {
    List<Line> truth = new ArrayList<>(TRUTH);
    truth.add(new Line("E = mc^2", new Rect(100, 300, 300, 330), true));
    List<Line> p = new ArrayList<>(TRUTH);
    p.add(new Line("E=mc2", new Rect(100, 300, 300, 330))); // matches the ignored line: neither hit nor miss
    p.add(new Line("cell", new Rect(610, 610, 640, 620))); // inside the table region
    p.add(new Line("stray", new Rect(900, 900, 950, 920))); // a false alarm
    SpotMetrics.Result r = SpotMetrics.score(p, truth, List.of(new Rect(600, 600, 800, 800)));
    assertThat(r.withText()).isEqualTo(new SpotMetrics.Counts(4, 1, 0));
    // an ignored line nobody found is not a miss
    assertThat(SpotMetrics.score(TRUTH, truth, List.of()).withText()).isEqualTo(new SpotMetrics.Counts(4, 0, 0));
  }

  @Test
  void emptyCases() {
    assertThat(SpotMetrics.score(List.of(), List.of(), List.of()).withText().f1()).isEqualTo(1.0);
    SpotMetrics.Counts none = SpotMetrics.score(List.of(), TRUTH, List.of()).withText();
    assertThat(none.precision()).isEqualTo(0.0);
    assertThat(none.recall()).isEqualTo(0.0);
    assertThat(none.f1()).isEqualTo(0.0);
  }
}
