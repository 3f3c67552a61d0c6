package io.scriptorium.pipeline.pages;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.FileImageInputStream;
import javax.imageio.stream.ImageInputStream;

/** Raster images through ImageIO (TwelveMonkeys for JPEG, TIFF, BMP and WebP). Every image of a TIFF is a page. */
final class ImagePages implements PageSource {
  private final SourceAccess access;
  private final ImageInputStream in;
  private final ImageReader reader;
  private int pageCount = -1;
  private FileScan scan;

  private ImagePages(SourceAccess access, ImageInputStream in, ImageReader reader) {
    this.access = access;
    this.in = in;
    this.reader = reader;
  }

  static ImagePages open(SourceAccess access, boolean headerOnly) throws Problem {
    PageFormat format = access.format();
    Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format.id());
    if (!readers.hasNext()) {
      throw new Problem(PageFailure.UNSUPPORTED_FORMAT, "no ImageIO reader for " + format.id()
          + " on the class path");
    }
    ImageReader reader = readers.next(); // TwelveMonkeys orders its readers before the JDK's
    ImageInputStream in;
    try {
      // A TIFF's directories can be anywhere in the file: count its pages on a local copy, not a stream.
      in = headerOnly && format != PageFormat.TIFF ? access.headerStream()
          : new FileImageInputStream(access.localFile());
    } catch (IOException e) {
      reader.dispose();
      throw new Problem(PageFailure.IO_ERROR, "cannot read: " + Problem.describe(e), e);
    } catch (Problem e) {
      reader.dispose();
      throw e;
    }
    reader.setInput(in, false, true);
    return new ImagePages(access, in, reader);
  }

  @Override
  public int pageCount() throws Problem {
    if (pageCount < 0) {
      if (access.format() != PageFormat.TIFF) {
        pageCount = 1; // GIF and WebP animations: the first frame only
      } else {
        try {
          pageCount = reader.getNumImages(true);
        } catch (IOException | RuntimeException e) {
          throw corrupt("cannot read the TIFF directories: ", e);
        }
        if (pageCount < 1) {
          throw new Problem(PageFailure.CORRUPT_IMAGE, "TIFF holds no images");
        }
      }
    }
    return pageCount;
  }

  @Override
  public Size check(int pageNo, PageOptions options) throws Problem {
    int index = pageNo - 1;
    long width;
    long height;
    try {
      width = reader.getWidth(index);
      height = reader.getHeight(index);
    } catch (IOException | RuntimeException e) {
      throw corrupt("cannot read the image header: ", e);
    }
    return Size.checked(width, height, options);
  }

  @Override
  public Decoded decode(int pageNo, PageOptions options) throws Problem {
    Size size = check(pageNo, options);
    boolean wholeFile = pageCount() == 1;
    if (access.format() == PageFormat.JPEG && !scan().jpegComplete()) {
      throw new Problem(PageFailure.CORRUPT_IMAGE,
          "JPEG data is truncated: no end-of-image marker after the last scan");
    }
    int step = subsampling(size, options.maxDecodedPixels());
    ImageReadParam param = reader.getDefaultReadParam();
    if (step > 1) {
      param.setSourceSubsampling(step, step, 0, 0);
    }
    BufferedImage image;
    try {
      image = Rgb.toRgb(reader.read(pageNo - 1, param));
    } catch (IOException | RuntimeException e) {
      throw corrupt("cannot decode: ", e);
    } catch (OutOfMemoryError e) {
      // One allocation failed and nothing refers to it: the executor lives on, this page fails.
      throw new Problem(PageFailure.DECOMPRESSION_BOMB, "ran out of memory decoding " + size.width() + " x "
          + size.height() + " pixels at subsampling " + step, e);
    }
    String sha = wholeFile ? scan().sha256() : Rgb.sha256(image);
    return new Decoded(image, size.width(), size.height(), sha);
  }

  /** The smallest step whose subsampled raster fits the cap. */
  static int subsampling(Size size, long maxPixels) {
    int step = 1;
    if (size.pixels() > maxPixels) {
      step = (int) Math.ceil(Math.sqrt((double) size.pixels() / maxPixels));
    }
    while (ceilDiv(size.width(), step) * ceilDiv(size.height(), step) > maxPixels) {
      step++;
    }
    return step;
  }

  private static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }

  private FileScan scan() throws Problem {
    if (scan == null) {
      try {
        scan = FileScan.of(access.localFile(), access.format() == PageFormat.JPEG);
      } catch (IOException e) {
        throw new Problem(PageFailure.IO_ERROR, "cannot read: " + Problem.describe(e), e);
      }
    }
    return scan;
  }

  private static Problem corrupt(String what, Throwable e) {
    return new Problem(PageFailure.CORRUPT_IMAGE, what + Problem.describe(e), e);
  }

  @Override
  public void close() {
    reader.dispose();
    try {
      in.close();
    } catch (IOException ignored) {
      // read-only stream
    }
  }
}
