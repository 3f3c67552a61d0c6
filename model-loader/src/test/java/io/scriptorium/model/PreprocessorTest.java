package io.scriptorium.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scriptorium.testing.DataTest;
import io.scriptorium.testing.UnitTest;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The model-free preprocessing entry point gives exactly what the runtime's preprocessing gives. */
@UnitTest
class PreprocessorTest {
  @DataTest
  @Test
  void readsOnlyTheManifestAndMatchesTheRuntimesPreprocessing() throws Exception {
    Preprocessor tiny = Preprocessor.forBundle(RuntimeConfig.BUILTIN_TINY);
    assertThat(tiny.minPixels()).isEqualTo(65_536);
    assertThat(tiny.maxPixels()).isEqualTo(409_600);
    assertThat(tiny.patchSize()).isEqualTo(16);

    ModelBundle bundle = ModelBundle.open(RuntimeConfig.BUILTIN_TINY);
    ImagePreprocessor runtimeSide =
        new ImagePreprocessor(bundle.manifest().preprocessing(), RuntimeConfig.DEFAULT_MAX_IMAGE_PIXELS);
    for (GoldenCase golden : GoldenCase.all().stream().filter(GoldenCase::lossless).limit(3).toList()) {
      BufferedImage source = ImageIO.read(golden.image().toFile());
      PreparedImage image = tiny.prepare(source);
      PreparedImage reference = runtimeSide.prepare(source);
      assertThat(image.pixelValuesSha256()).isEqualTo(Sha256.hex(PixelBytes.of(reference.pixels())))
          .isEqualTo(golden.string("pixel_values_sha256")); // what hunyuan_ocr.py printed for the golden
      assertThat(image.pixelValuesShape()).containsExactly(image.gridH() * image.gridW(), 768);
      assertThat(tiny.imageTokens(image)).isEqualTo(PromptLayout.imageTokenCount(image.gridH(), image.gridW(), 2));
      assertThat(tiny.resizedRgb(source)).isEqualTo(runtimeSide.resize(source).rgb());
    }
  }

  @Test
  void aDirectoryNeedsOnlyItsManifest(@TempDir Path dir) throws Exception {
    String manifest = new String(ModelBundle.manifestBytes(RuntimeConfig.BUILTIN_TINY), StandardCharsets.UTF_8)
        .replace("\"max_pixels\": 409600", "\"max_pixels\": 4194304");
    assertThat(manifest).contains("\"max_pixels\": 4194304"); // the manifest's own sha is not checked
    Files.writeString(dir.resolve("manifest.json"), manifest);
    assertThat(Preprocessor.forBundle(dir.toString()).maxPixels()).isEqualTo(4_194_304);
    assertThat(Preprocessor.forBundle(dir.toUri().toString()).maxPixels()).isEqualTo(4_194_304);
    assertThatThrownBy(() -> Preprocessor.forBundle(dir.resolve("missing").toString()))
        .isInstanceOf(BundleException.class).hasMessageContaining("does not exist");
  }
}
