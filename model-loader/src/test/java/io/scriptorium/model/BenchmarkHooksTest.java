package io.scriptorium.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scriptorium.testing.UnitTest;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The benchmarks' hooks drive the real module on the tiny twin (the bench module times them). */
@UnitTest
class BenchmarkHooksTest {
  private static final Path TINY = ModelBundle.open(TestBundles.tinySpec()).dir();

  @Test
  void decodingRunsTheStepsItHasRoomForAndRefusesMore() {
    try (BenchmarkHooks.Decoding decoding = BenchmarkHooks.Decoding.open(TINY, "cpu", 2, 8, 3)) {
      for (int i = 0; i < 3; i++) {
        decoding.step();
      }
      assertThatThrownBy(decoding::step).isInstanceOf(IllegalStateException.class).hasMessageContaining("no room");
      assertThat(decoding.weightBytes()).isPositive();
      assertThat(decoding.kvBytesPerToken()).isPositive();
    }
  }

  @Test
  void visionTowerEncodesAPageAsTheRuntimePreparesIt() {
    BufferedImage page = new BufferedImage(300, 200, BufferedImage.TYPE_INT_RGB);
    try (BenchmarkHooks.VisionTower tower = BenchmarkHooks.VisionTower.open(TINY, "cpu");
        OcrRuntime runtime = OcrRuntime.open(TestBundles.tinyConfig())) {
      PreparedImage image = tower.prepare(page);
      PreparedImage expected = runtime.prepare(page);
      assertThat(new int[] {image.gridH(), image.gridW()}).containsExactly(expected.gridH(), expected.gridW());
      assertThat(tower.imageTokens(image)).as("image tokens in the runtime's prompt")
          .isEqualTo(runtime.layout(expected, runtime.prompt(TaskSpec.of(Task.TEXT))).imageTokens());
      tower.encode(image);
      assertThat(tower.onGpu()).isFalse();
    }
  }
}
