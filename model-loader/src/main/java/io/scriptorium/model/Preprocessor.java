package io.scriptorium.model;

import java.awt.image.BufferedImage;
import java.util.Objects;

/**
 * A bundle's image preprocessing on its own, without loading the model: the same {@link ImagePreprocessor} that
 * {@link OcrRuntime#prepare} runs (RGB as Pillow's {@code convert("RGB")}, smart_resize, Pillow-exact bicubic,
 * rescale and normalise, row-major patches), configured from the bundle's manifest.json alone. For tools that show
 * what the model would see ({@code scriptorium inspect-image}); safe for concurrent use.
 */
public final class Preprocessor {
  private final String bundle;
  private final Manifest.Preprocessing config;
  private final ImagePreprocessor preprocessor;

  private Preprocessor(String bundle, Manifest.Preprocessing config) {
    this.bundle = bundle;
    this.config = config;
    this.preprocessor = new ImagePreprocessor(config, RuntimeConfig.DEFAULT_MAX_IMAGE_PIXELS);
  }

  /**
   * Reads only the bundle's manifest.json: {@code builtin:tiny}, a local directory or a {@code file:} URI (the model
   * and tokenizer files are neither read nor checked).
   *
   * @throws BundleException when the manifest cannot be read or is not a valid format-2 manifest
   */
  public static Preprocessor forBundle(String bundle) {
    Objects.requireNonNull(bundle, "bundle");
    return new Preprocessor(bundle, Manifest.parse(ModelBundle.manifestBytes(bundle)).preprocessing());
  }

  /**
   * @throws ImageRejectedException as {@link OcrRuntime#prepare} does: above 178,956,970 pixels (Pillow's
   *     decompression-bomb limit) or beyond the model's aspect ratio
   */
  public PreparedImage prepare(BufferedImage image) {
    return preprocessor.prepare(Objects.requireNonNull(image, "image"));
  }

  /**
   * The image after conversion to RGB and the bicubic resize, before normalisation: {@code width * height * 3}
   * interleaved R, G, B bytes of the size {@link #prepare} reports (what Pillow's {@code resized.tobytes()} gives).
   */
  public byte[] resizedRgb(BufferedImage image) {
    return preprocessor.resize(Objects.requireNonNull(image, "image")).rgb();
  }

  /** LLM image placeholders for a prepared image: {@code (gh/merge) * (gw/merge + 1) + 2}. */
  public int imageTokens(PreparedImage image) {
    return PromptLayout.imageTokenCount(image.gridH(), image.gridW(), config.mergeSize());
  }

  public String bundle() {
    return bundle;
  }

  public long minPixels() {
    return config.minPixels();
  }

  public long maxPixels() {
    return config.maxPixels();
  }

  public int patchSize() {
    return config.patchSize();
  }
}
