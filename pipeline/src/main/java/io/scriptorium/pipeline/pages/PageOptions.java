package io.scriptorium.pipeline.pages;

import java.io.Serializable;

/**
 * Limits and settings for turning source files into page images.
 *
 * @param pdfDpi resolution PDF pages are rendered at; a page's source size is its crop box at this resolution
 * @param maxRenderedPixels PDF pages only: a page that would have more pixels than this at {@code pdfDpi} is rendered
 *     at the lower resolution that fits (its source size stays the one at {@code pdfDpi}). Raster images are always
 *     decoded at full resolution, as Pillow decodes them
 * @param maxDeclaredPixels a source whose header declares more pixels than this is a decompression bomb and is not
 *     decoded at all; the default is Pillow's own limit, {@value #PILLOW_MAX_PIXELS} (twice
 *     {@code Image.MAX_IMAGE_PIXELS}), above which the official processor cannot open the image either
 * @param minSide a source whose width or height is below this many pixels fails as too small
 * @param maxFileBytes larger files fail without being read
 */
public record PageOptions(int pdfDpi, long maxRenderedPixels, long maxDeclaredPixels, int minSide, long maxFileBytes)
    implements Serializable {
  public static final int DEFAULT_PDF_DPI = 200;
  public static final long DEFAULT_MAX_RENDERED_PIXELS = 4L * 4_194_304L;
  /** Pillow's {@code DecompressionBombError} threshold: {@code 2 * Image.MAX_IMAGE_PIXELS}. */
  public static final long PILLOW_MAX_PIXELS = 178_956_970L;
  public static final long DEFAULT_MAX_DECLARED_PIXELS = PILLOW_MAX_PIXELS;
  public static final int DEFAULT_MIN_SIDE = 8;
  public static final long DEFAULT_MAX_FILE_BYTES = 2L << 30;

  public PageOptions {
    if (pdfDpi < 1 || pdfDpi > 2400) {
      throw new IllegalArgumentException("Invalid pdfDpi " + pdfDpi + ": must be in 1..2400");
    }
    if (maxRenderedPixels < 1) {
      throw new IllegalArgumentException("Invalid maxRenderedPixels " + maxRenderedPixels + ": must be positive");
    }
    if (maxDeclaredPixels < 1) {
      throw new IllegalArgumentException("Invalid maxDeclaredPixels " + maxDeclaredPixels + ": must be positive");
    }
    if (minSide < 1) {
      throw new IllegalArgumentException("Invalid minSide " + minSide + ": must be positive");
    }
    if (maxFileBytes < 1) {
      throw new IllegalArgumentException("Invalid maxFileBytes " + maxFileBytes + ": must be positive");
    }
  }

  /** 200 dpi, PDF pages rendered up to 16 Mpx, Pillow's 178,956,970 px declared, 8 px minimum side, 2 GiB files. */
  public static PageOptions defaults() {
    return new PageOptions(DEFAULT_PDF_DPI, DEFAULT_MAX_RENDERED_PIXELS, DEFAULT_MAX_DECLARED_PIXELS,
        DEFAULT_MIN_SIDE, DEFAULT_MAX_FILE_BYTES);
  }
}
