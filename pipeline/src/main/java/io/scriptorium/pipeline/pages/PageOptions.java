package io.scriptorium.pipeline.pages;

import java.io.Serializable;

/**
 * Limits and settings for turning source files into page images.
 *
 * @param pdfDpi resolution PDF pages are rendered at; a page's source size is its crop box at this resolution
 * @param maxDecodedPixels target cap on the pixels of a returned raster: larger images are decoded with ImageIO
 *     source subsampling (PDF pages are rendered at a lower resolution), never fully
 * @param maxDeclaredPixels a source whose header declares more pixels than this is a decompression bomb and is not
 *     decoded at all
 * @param minSide a source whose width or height is below this many pixels fails as too small
 * @param maxFileBytes larger files fail without being read
 */
public record PageOptions(int pdfDpi, long maxDecodedPixels, long maxDeclaredPixels, int minSide, long maxFileBytes)
    implements Serializable {
  public static final int DEFAULT_PDF_DPI = 200;
  public static final long DEFAULT_MAX_DECODED_PIXELS = 4L * 4_194_304L;
  public static final long DEFAULT_MAX_DECLARED_PIXELS = 500_000_000L;
  public static final int DEFAULT_MIN_SIDE = 8;
  public static final long DEFAULT_MAX_FILE_BYTES = 2L << 30;

  public PageOptions {
    if (pdfDpi < 1 || pdfDpi > 2400) {
      throw new IllegalArgumentException("Invalid pdfDpi " + pdfDpi + ": must be in 1..2400");
    }
    if (maxDecodedPixels < 1) {
      throw new IllegalArgumentException("Invalid maxDecodedPixels " + maxDecodedPixels + ": must be positive");
    }
    if (maxDeclaredPixels < maxDecodedPixels) {
      throw new IllegalArgumentException("Invalid maxDeclaredPixels " + maxDeclaredPixels
          + ": must be at least maxDecodedPixels " + maxDecodedPixels);
    }
    if (minSide < 1) {
      throw new IllegalArgumentException("Invalid minSide " + minSide + ": must be positive");
    }
    if (maxFileBytes < 1) {
      throw new IllegalArgumentException("Invalid maxFileBytes " + maxFileBytes + ": must be positive");
    }
  }

  /** 200 dpi, 16 Mpx decoded, 500 Mpx declared, 8 px minimum side, 2 GiB files. */
  public static PageOptions defaults() {
    return new PageOptions(DEFAULT_PDF_DPI, DEFAULT_MAX_DECODED_PIXELS, DEFAULT_MAX_DECLARED_PIXELS,
        DEFAULT_MIN_SIDE, DEFAULT_MAX_FILE_BYTES);
  }
}
