package io.scriptorium.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.scriptorium.testing.DataTest;
import io.scriptorium.testing.UnitTest;
import java.awt.image.BufferedImage;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Java preprocessing against Pillow on the golden pages: resized RGB bytes and the hash of the pixel floats. */
@UnitTest
@DataTest
class PreprocessingParityTest {
  /**
   * JPEG only: Java's ImageIO and Pillow's libjpeg may round the IDCT differently; after the bicubic resize we accept
   * at most this many levels (of 255) per channel. Lossless sources must match exactly.
   */
  static final int JPEG_MAX_ABS_DIFF = 4;

  private static ImagePreprocessor preprocessor;

  @BeforeAll
  static void load() {
    ModelBundle bundle = ModelBundle.open(TestBundles.tinySpec());
    preprocessor = new ImagePreprocessor(bundle.manifest().preprocessing(), RuntimeConfig.DEFAULT_MAX_IMAGE_PIXELS);
  }

  static List<GoldenCase> cases() {
    return GoldenCase.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void matchesPillow(GoldenCase golden) throws Exception {
    BufferedImage source = ImageIO.read(golden.image().toFile());
    assertThat(source.getWidth()).isEqualTo(golden.integer("original_width"));
    assertThat(source.getHeight()).isEqualTo(golden.integer("original_height"));

    ImagePreprocessor.Resized resized = preprocessor.resize(source);
    assertThat(resized.width()).isEqualTo(golden.integer("resized_width"));
    assertThat(resized.height()).isEqualTo(golden.integer("resized_height"));
    byte[] pillow = Images.rgb(ImageIO.read(golden.resizedPng().toFile()));
    int maxDiff = Images.maxAbsDiff(resized.rgb(), pillow);
    String pixelSha = Sha256.hex(PixelBytes.of(preprocessor.patchify(resized)));

    if (golden.lossless()) {
      assertThat(maxDiff).as("max |java - pillow| of the resized RGB").isZero();
      assertThat(pixelSha).isEqualTo(golden.string("pixel_values_sha256"));
    } else {
      System.out.printf("%s (JPEG, %s): max |java - pillow| of resized RGB = %d, pixel sha256 %s%n", golden.name(),
          source.getColorModel().getClass().getSimpleName(), maxDiff,
          pixelSha.equals(golden.string("pixel_values_sha256")) ? "equal" : "differs");
      assertThat(maxDiff).isLessThanOrEqualTo(JPEG_MAX_ABS_DIFF);
    }
  }
}
