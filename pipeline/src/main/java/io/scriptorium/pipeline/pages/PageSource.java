package io.scriptorium.pipeline.pages;

import io.scriptorium.pipeline.vocab.ErrorClass;
import java.awt.image.BufferedImage;
import java.io.Closeable;

/** The pages of one opened file. Not thread-safe. */
sealed interface PageSource extends Closeable permits ImagePages, PdfPages {

  /** @param headerOnly only {@link #pageCount()} and {@link #check} will be called: no need to copy remote images */
  static PageSource open(SourceAccess access, boolean headerOnly) throws Problem {
    return open(access, headerOnly, true);
  }

  /** @param nativeDecoding whether JPEG and PNG may be decoded by {@link NativeDecoder} (false: ImageIO only) */
  static PageSource open(SourceAccess access, boolean headerOnly, boolean nativeDecoding) throws Problem {
    return access.format() == PageFormat.PDF ? PdfPages.open(access)
        : ImagePages.open(access, headerOnly, nativeDecoding);
  }

  int pageCount() throws Problem;

  /** Reads the page's declared size and applies the bomb and minimum-size limits, without decoding. */
  Size check(int pageNo, PageOptions options) throws Problem;

  Decoded decode(int pageNo, PageOptions options) throws Problem;

  @Override
  void close();

  record Size(int width, int height) {
    /** The limits every page passes before decoding; sizes are the source's (a PDF page's at the configured dpi). */
    static Size checked(long width, long height, PageOptions options) throws Problem {
      long max = options.maxDeclaredPixels();
      if (width > max || height > max || width * height > max) { // the first two keep the product from overflowing
        String pixels = width > max || height > max ? "" : " = " + width * height;
        throw new Problem(ErrorClass.DECOMPRESSION_BOMB, "declares " + width + " x " + height + pixels
            + " pixels, over the limit of " + max + "; not decoded");
      }
      if (width < options.minSide() || height < options.minSide()) {
        throw new Problem(ErrorClass.IMAGE_TOO_SMALL, "is " + width + " x " + height
            + " pixels, under the minimum side of " + options.minSide());
      }
      return new Size((int) width, (int) height);
    }

    long pixels() {
      return (long) width * height;
    }
  }

  record Decoded(BufferedImage image, int width, int height, String sha256) {}
}
