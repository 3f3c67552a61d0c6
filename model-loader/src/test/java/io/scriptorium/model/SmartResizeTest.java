package io.scriptorium.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scriptorium.testing.UnitTest;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** smart_resize and the size checks; expected sizes come from the Python reference's smart_resize. */
@UnitTest
class SmartResizeTest {
  private static final long REAL_MIN = 262144;
  private static final long REAL_MAX = 4194304;

  @ParameterizedTest(name = "{0}x{1} -> {2}x{3}")
  @CsvSource({
    // H, W, h, w  (real model: min 512^2, max 2048^2)
    "80, 48, 672, 416",
    "112, 1000, 192, 1536",
    "2339, 1654, 2336, 1664",
    "3300, 2550, 2304, 1792",
    "3508, 2480, 2432, 1696",
    "4000, 2864, 2400, 1728",
    "10000, 50, 9984, 64",
    "1, 1, 512, 512",
    "10, 2000, 64, 7264",
    "600, 800, 608, 800",
    "2048, 2048, 2048, 2048",
    "2049, 2049, 2048, 2048",
    "300, 100, 896, 320",
    "1969, 2756, 1728, 2400",
    "7000, 35, 7264, 64"
  })
  void matchesPythonReference(int height, int width, int h, int w) {
    assertThat(ImagePreprocessor.smartResize(height, width, 32, REAL_MIN, REAL_MAX)).containsExactly(h, w);
  }

  @Test
  void roundsHalfToEvenLikePython() {
    // 80/32 = 2.5 -> 2 and 48/32 = 1.5 -> 2 (Math.round would give 3 and 2)
    assertThat(ImagePreprocessor.smartResize(80, 48, 32, 1, Long.MAX_VALUE)).containsExactly(64, 64);
    // 112/32 = 3.5 -> 4, 208/32 = 6.5 -> 6
    assertThat(ImagePreprocessor.smartResize(112, 208, 32, 1, Long.MAX_VALUE)).containsExactly(128, 192);
  }

  @Test
  void clampsToMinAndMaxPixels() {
    int[] big = ImagePreprocessor.smartResize(20000, 15000, 32, REAL_MIN, REAL_MAX);
    assertThat((long) big[0] * big[1]).isLessThanOrEqualTo(REAL_MAX);
    assertThat(big[0] % 32).isZero();
    int[] small = ImagePreprocessor.smartResize(20, 30, 32, REAL_MIN, REAL_MAX);
    assertThat((long) small[0] * small[1]).isGreaterThanOrEqualTo(REAL_MIN);
  }

  @Test
  void refusesExtremeAspectRatios() {
    ImagePreprocessor.checkSize(200, 1, Long.MAX_VALUE, 200);
    assertThatThrownBy(() -> ImagePreprocessor.checkSize(201, 1, Long.MAX_VALUE, 200))
        .isInstanceOf(ImageRejectedException.class)
        .hasMessageContaining("201x1")
        .hasMessageContaining("aspect ratio 201.0 exceeds the model's limit of 200");
  }

  @Test
  void refusesTooManyPixelsBeforeAllocating() {
    assertThatThrownBy(() -> ImagePreprocessor.checkSize(100_000, 100_000, RuntimeConfig.DEFAULT_MAX_IMAGE_PIXELS, 200))
        .isInstanceOf(ImageRejectedException.class)
        .hasMessageContaining("100000x100000 = 10000000000 pixels, above the cap of 178956970");
  }

  @Test
  void refusesEmptyImages() {
    assertThatThrownBy(() -> ImagePreprocessor.checkSize(0, 10, 1000, 200))
        .isInstanceOf(ImageRejectedException.class)
        .hasMessageContaining("0x10: too small");
  }

  @Test
  void preparedImagesAreRejectedThroughTheRuntimeSettings() {
    Manifest.Preprocessing pp = ModelBundle.open(TestBundles.tinySpec()).manifest().preprocessing();
    ImagePreprocessor capped = new ImagePreprocessor(pp, 10_000);
    assertThatThrownBy(() -> capped.prepare(new BufferedImage(200, 100, BufferedImage.TYPE_INT_RGB)))
        .isInstanceOf(ImageRejectedException.class)
        .hasMessageContaining("200x100 = 20000 pixels, above the cap of 10000");
    ImagePreprocessor normal = new ImagePreprocessor(pp, RuntimeConfig.DEFAULT_MAX_IMAGE_PIXELS);
    assertThatThrownBy(() -> normal.prepare(new BufferedImage(1, 300, BufferedImage.TYPE_BYTE_GRAY)))
        .isInstanceOf(ImageRejectedException.class)
        .hasMessageContaining("aspect ratio 300.0");
    PreparedImage ok = normal.prepare(new BufferedImage(100, 300, BufferedImage.TYPE_BYTE_GRAY));
    assertThat(ok.gridH() * ok.gridW() * 768).isEqualTo(ok.pixels().length);
    assertThat(ok.resizedWidth()).isEqualTo(ok.gridW() * 16);
  }
}
