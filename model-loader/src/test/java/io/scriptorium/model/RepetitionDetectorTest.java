package io.scriptorium.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.scriptorium.testing.UnitTest;
import org.junit.jupiter.api.Test;

@UnitTest
class RepetitionDetectorTest {

  /** Index (0-based) of the id at which the detector fires, or -1. */
  private static int firesAt(RepetitionDetector d, int... ids) {
    for (int i = 0; i < ids.length; i++) {
      if (d.add(ids[i])) {
        return i;
      }
    }
    return -1;
  }

  private static int[] cycle(int length, int... unit) {
    int[] out = new int[length];
    for (int i = 0; i < length; i++) {
      out[i] = unit[i % unit.length];
    }
    return out;
  }

  @Test
  void singleTokenLoopNeedsTheMinimumSpan() {
    // unit 1: 8 repeats would do, but the span must reach 32 ids
    assertThat(firesAt(new RepetitionDetector(1, 64, 8, 32), cycle(40, 5))).isEqualTo(31);
  }

  @Test
  void longerUnitsNeedTheMinimumRepeats() {
    // unit of 4 ids: span 32 reached after 8 whole repeats
    assertThat(firesAt(new RepetitionDetector(1, 64, 8, 32), cycle(60, 1, 2, 3, 4))).isEqualTo(31);
    // unit of 10: 8 repeats = 80 ids
    assertThat(firesAt(new RepetitionDetector(1, 64, 8, 32), cycle(100, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9))).isEqualTo(79);
  }

  @Test
  void unitsLongerThanTheMaximumAreIgnored() {
    int[] unit = new int[70];
    for (int i = 0; i < unit.length; i++) {
      unit[i] = i;
    }
    assertThat(firesAt(new RepetitionDetector(1, 64, 8, 32), cycle(70 * 9, unit))).isEqualTo(-1);
  }

  @Test
  void aBrokenLoopStartsCountingAgain() {
    RepetitionDetector d = new RepetitionDetector(1, 64, 8, 32);
    assertThat(firesAt(d, cycle(31, 5))).isEqualTo(-1);
    assertThat(d.add(6)).isFalse();
    assertThat(firesAt(d, cycle(40, 5))).isEqualTo(31);
  }

  @Test
  void varyingTextDoesNotFire() {
    int[] ids = new int[2000];
    long x = 42;
    for (int i = 0; i < ids.length; i++) {
      x = x * 6364136223846793005L + 1442695040888963407L;
      ids[i] = (int) ((x >>> 33) % 500);
    }
    assertThat(firesAt(new RepetitionDetector(1, 64, 8, 32), ids)).isEqualTo(-1);
  }
}
