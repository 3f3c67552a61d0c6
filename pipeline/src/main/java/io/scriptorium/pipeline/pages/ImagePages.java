package io.scriptorium.pipeline.pages;

import io.scriptorium.pipeline.vocab.ErrorClass;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.stream.FileImageInputStream;
import javax.imageio.stream.ImageInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Node;

/**
 * Raster images: JPEG and PNG through libjpeg-turbo and libpng where their RGB is Pillow's ({@link NativeDecoder}),
 * everything else through ImageIO (TwelveMonkeys for JPEG, TIFF, BMP and WebP; the JDK for PNG and GIF). Every image
 * of a TIFF is a page. Pages are decoded at full resolution, never subsampled, and converted to RGB as Pillow does
 * ({@link Rgb}, {@link JpegRgb}): what the official processor resizes is what the model here resizes.
 */
final class ImagePages implements PageSource {
  /** Pillow's {@code Image.MAX_IMAGE_PIXELS}: it warns above this and fails above twice this. */
  static final long PILLOW_WARNING_PIXELS = 89_478_485L;

  private static final String TIFF_METADATA = "com_sun_media_imageio_plugins_tiff_image_1.0";
  private static final Logger LOG = LoggerFactory.getLogger(ImagePages.class);

  private final SourceAccess access;
  private final ImageInputStream in;
  private final ImageReader reader;
  private final boolean nativeDecoding;
  private int pageCount = -1;
  private FileScan scan;

  private ImagePages(SourceAccess access, ImageInputStream in, ImageReader reader, boolean nativeDecoding) {
    this.access = access;
    this.in = in;
    this.reader = reader;
    this.nativeDecoding = nativeDecoding;
  }

  /** @param nativeDecoding whether JPEG and PNG may go through {@link NativeDecoder} (false: ImageIO only) */
  static ImagePages open(SourceAccess access, boolean headerOnly, boolean nativeDecoding) throws Problem {
    PageFormat format = access.format();
    Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format.id());
    if (!readers.hasNext()) {
      throw new Problem(ErrorClass.UNSUPPORTED_FORMAT, "no ImageIO reader for " + format.id()
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
      throw new Problem(ErrorClass.IO_ERROR, "cannot read: " + Problem.describe(e), e);
    } catch (Problem e) {
      reader.dispose();
      throw e;
    }
    reader.setInput(in, false, true);
    return new ImagePages(access, in, reader, nativeDecoding);
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
          throw new Problem(ErrorClass.CORRUPT_IMAGE, "TIFF holds no images");
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
      throw new Problem(ErrorClass.CORRUPT_IMAGE,
          "JPEG data is truncated: no end-of-image marker after the last scan");
    }
    if (size.pixels() > PILLOW_WARNING_PIXELS) {
      LOG.warn("{} page {}: {} x {} = {} pixels, over Pillow's MAX_IMAGE_PIXELS ({}): decoded in full like Pillow,"
          + " about {} MB of heap", access.uri(), pageNo, size.width(), size.height(), size.pixels(),
          PILLOW_WARNING_PIXELS, size.pixels() * 3 / 1_000_000);
    }
    BufferedImage image;
    try {
      JpegRgb.Frame frame = access.format() == PageFormat.JPEG ? JpegRgb.frame(access.localFile()) : null;
      image = nativeImage(size, frame);
      if (image == null && frame != null) {
        image = JpegRgb.read(reader, frame.space());
      }
      if (image == null) {
        BufferedImage decoded = reader.read(pageNo - 1, reader.getDefaultReadParam());
        if (access.format() == PageFormat.TIFF && associatedAlpha(pageNo - 1)) {
          decoded = premultiplied(decoded);
        }
        image = Rgb.toRgb(decoded);
      }
    } catch (IOException | RuntimeException e) {
      throw corrupt("cannot decode: ", e);
    } catch (OutOfMemoryError e) {
      // One allocation failed and nothing refers to it: the executor lives on, this page fails.
      throw new Problem(ErrorClass.DECOMPRESSION_BOMB, "ran out of memory decoding " + size.width() + " x "
          + size.height() + " pixels", e);
    }
    if (image.getWidth() != size.width() || image.getHeight() != size.height()) {
      throw new Problem(ErrorClass.CORRUPT_IMAGE, "decoded " + image.getWidth() + " x " + image.getHeight()
          + " pixels but the header declares " + size.width() + " x " + size.height());
    }
    String sha = wholeFile ? scan().sha256() : Rgb.sha256(image);
    return new Decoded(image, size.width(), size.height(), sha);
  }

  /**
   * The page through {@link NativeDecoder} when its flavour decodes to Pillow's pixels there, else null. Pages over
   * Pillow's warning size stay with ImageIO, whose out-of-memory failure is reported as a decompression bomb.
   */
  private BufferedImage nativeImage(Size size, JpegRgb.Frame frame) throws IOException, Problem {
    if (!nativeDecoding || size.pixels() > PILLOW_WARNING_PIXELS) {
      return null;
    }
    boolean pillows = switch (access.format()) {
      case JPEG -> frame != null && frame.libjpegRgbIsPillows();
      case PNG -> NativeDecoder.pngIsPillows(access.localFile());
      default -> false;
    };
    return pillows ? NativeDecoder.decode(access.localFile(), size.width(), size.height()) : null;
  }

  /**
   * Whether the TIFF page's ExtraSamples (tag 338) says its alpha is associated (premultiplied). TwelveMonkeys returns
   * such samples as they are stored but with a non-premultiplied colour model; Pillow divides the alpha out.
   */
  private boolean associatedAlpha(int index) {
    IIOMetadata metadata;
    try {
      metadata = reader.getImageMetadata(index);
    } catch (IOException | RuntimeException e) {
      return false; // the pixels decoded; without metadata, take them as they are
    }
    if (metadata == null || !TIFF_METADATA.equals(metadata.getNativeMetadataFormatName())) {
      return false;
    }
    Node ifd = metadata.getAsTree(TIFF_METADATA).getFirstChild();
    for (Node field = ifd == null ? null : ifd.getFirstChild(); field != null;
        field = field.getNextSibling()) {
      Node number = field.getAttributes() == null ? null : field.getAttributes().getNamedItem("number");
      if (number != null && "338".equals(number.getNodeValue())) {
        Node values = field.getFirstChild();
        Node first = values == null ? null : values.getFirstChild();
        Node value = first == null || first.getAttributes() == null ? null
            : first.getAttributes().getNamedItem("value");
        return value != null && "1".equals(value.getNodeValue());
      }
    }
    return false;
  }

  /** The same samples under a colour model that says they are premultiplied (no copy). */
  private static BufferedImage premultiplied(BufferedImage image) {
    ColorModel cm = image.getColorModel();
    if (!(cm instanceof ComponentColorModel) || !cm.hasAlpha() || cm.isAlphaPremultiplied()) {
      return image;
    }
    ColorModel pre = new ComponentColorModel(cm.getColorSpace(), cm.getComponentSize(), true, true,
        cm.getTransparency(), cm.getTransferType());
    return new BufferedImage(pre, image.getRaster(), true, null);
  }

  private FileScan scan() throws Problem {
    if (scan == null) {
      try {
        scan = FileScan.of(access.localFile(), access.format() == PageFormat.JPEG);
      } catch (IOException e) {
        throw new Problem(ErrorClass.IO_ERROR, "cannot read: " + Problem.describe(e), e);
      }
    }
    return scan;
  }

  private static Problem corrupt(String what, Throwable e) {
    return new Problem(ErrorClass.CORRUPT_IMAGE, what + Problem.describe(e), e);
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
