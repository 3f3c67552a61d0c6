package io.scriptorium.model;

import java.awt.image.BufferedImage;
import java.util.Arrays;

/**
 * The reference preprocessing of BUNDLE_FORMAT.md: RGB, smart_resize, Pillow bicubic, rescale and normalise in the
 * contract's float order, row-major patches. Stateless after construction, so any thread may use it.
 */
final class ImagePreprocessor {
  private final Manifest.Preprocessing config;
  private final long maxImagePixels;
  private final int factor;
  private final float[][] lut;
  private final String key;

  ImagePreprocessor(Manifest.Preprocessing config, long maxImagePixels) {
    this.config = config;
    this.maxImagePixels = maxImagePixels;
    this.factor = config.patchSize() * config.mergeSize();
    this.lut = normalisationTable(config);
    this.key = config.patchSize() + "/" + config.mergeSize() + "/" + config.minPixels() + "/" + config.maxPixels()
        + "/" + config.rescaleFactor() + "/" + Arrays.toString(config.mean()) + "/" + Arrays.toString(config.std());
  }

  /** Resized RGB bytes of one image, before normalisation. */
  record Resized(int width, int height, byte[] rgb) {}

  PreparedImage prepare(BufferedImage image) {
    long start = System.nanoTime();
    Resized resized = resize(image);
    float[] pixels = patchify(resized);
    int p = config.patchSize();
    return new PreparedImage(
        image.getWidth(),
        image.getHeight(),
        resized.width(),
        resized.height(),
        resized.height() / p,
        resized.width() / p,
        System.nanoTime() - start,
        pixels,
        key);
  }

  String key() {
    return key;
  }

  /** Checks and resizes; the checks run before anything proportional to the image size is allocated. */
  Resized resize(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    checkSize(w, h, maxImagePixels, config.maxAspectRatio());
    int[] target = smartResize(h, w, factor, config.minPixels(), config.maxPixels());
    RgbRows rows = RgbRows.of(image);
    byte[] rgb;
    if (target[0] == h && target[1] == w) {
      rgb = new byte[w * h * 3];
      byte[] line = new byte[w * 3];
      for (int y = 0; y < h; y++) {
        rows.read(y, line);
        System.arraycopy(line, 0, rgb, y * w * 3, w * 3);
      }
    } else {
      rgb = PillowBicubic.resize(rows, target[1], target[0]);
    }
    return new Resized(target[1], target[0], rgb);
  }

  static void checkSize(long width, long height, long maxPixels, double maxAspect) {
    if (width < 1 || height < 1) {
      throw new ImageRejectedException(
          "image is " + width + "x" + height + ": too small, both sides must be >= 1 pixel");
    }
    if (width * height > maxPixels) {
      throw new ImageRejectedException("image is " + width + "x" + height + " = " + width * height
          + " pixels, above the cap of " + maxPixels
          + " (RuntimeConfig.maxImagePixels); downscale it before submitting");
    }
    double aspect = (double) Math.max(width, height) / Math.min(width, height);
    if (aspect > maxAspect) {
      throw new ImageRejectedException("image is " + width + "x" + height + ": aspect ratio " + aspect
          + " exceeds the model's limit of " + maxAspect);
    }
  }

  /**
   * smart_resize of BUNDLE_FORMAT.md with Python semantics: {@code round} is half-to-even ({@link Math#rint}), and
   * floor/ceil of doubles in the same operation order. Returns {h, w}.
   */
  static int[] smartResize(int height, int width, int factor, long minPixels, long maxPixels) {
    long h = (long) Math.rint((double) height / factor) * factor;
    long w = (long) Math.rint((double) width / factor) * factor;
    if (h * w > maxPixels) {
      double beta = Math.sqrt((double) height * width / maxPixels);
      h = Math.max(factor, (long) Math.floor(height / beta / factor) * factor);
      w = Math.max(factor, (long) Math.floor(width / beta / factor) * factor);
    } else if (h * w < minPixels) {
      double beta = Math.sqrt((double) minPixels / ((double) height * width));
      h = (long) Math.ceil(height * beta / factor) * factor;
      w = (long) Math.ceil(width * beta / factor) * factor;
    }
    return new int[] {Math.toIntExact(h), Math.toIntExact(w)};
  }

  /** {@code float32(u8 * rescale)} in double then cast, then {@code (x - float32(mean)) / float32(std)} in float. */
  static float[][] normalisationTable(Manifest.Preprocessing config) {
    float[][] table = new float[3][256];
    for (int c = 0; c < 3; c++) {
      float mean = (float) config.mean()[c];
      float std = (float) config.std()[c];
      for (int v = 0; v < 256; v++) {
        float x = (float) (v * config.rescaleFactor());
        table[c][v] = (x - mean) / std;
      }
    }
    return table;
  }

  /** {@code [gh*gw, 3*p*p]}: patches row-major over the grid, each channel-major then rows then columns. */
  float[] patchify(Resized image) {
    int p = config.patchSize();
    int w = image.width();
    int gh = image.height() / p;
    int gw = w / p;
    int patchLen = 3 * p * p;
    float[] out = new float[gh * gw * patchLen];
    byte[] rgb = image.rgb();
    for (int pr = 0; pr < gh; pr++) {
      for (int pc = 0; pc < gw; pc++) {
        int base = (pr * gw + pc) * patchLen;
        for (int c = 0; c < 3; c++) {
          float[] table = lut[c];
          for (int py = 0; py < p; py++) {
            int src = ((pr * p + py) * w + pc * p) * 3 + c;
            int dst = base + c * p * p + py * p;
            for (int px = 0; px < p; px++) {
              out[dst + px] = table[rgb[src + px * 3] & 0xff];
            }
          }
        }
      }
    }
    return out;
  }
}
