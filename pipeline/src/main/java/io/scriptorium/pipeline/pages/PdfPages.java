package io.scriptorium.pipeline.pages;

import io.scriptorium.pipeline.vocab.ErrorClass;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.List;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.contentstream.operator.Operator;
import org.apache.pdfbox.cos.COSBase;
import org.apache.pdfbox.cos.COSObject;
import org.apache.pdfbox.filter.MissingImageReaderException;
import org.apache.pdfbox.io.IOUtils;
import org.apache.pdfbox.pdmodel.DefaultResourceCache;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.encryption.InvalidPasswordException;
import org.apache.pdfbox.pdmodel.graphics.PDXObject;
import org.apache.pdfbox.rendering.ImageType;
import org.apache.pdfbox.rendering.PDFRenderer;
import org.apache.pdfbox.rendering.PageDrawer;
import org.apache.pdfbox.rendering.PageDrawerParameters;

/**
 * PDF pages rendered by PDFBox. The document is parsed from a local file with a temp-file-only stream cache, so
 * neither the file nor its decoded streams need to fit in memory: a 1,000-page PDF costs one page at a time.
 */
final class PdfPages implements PageSource {
  private final PDDocument document;
  private final PDFRenderer renderer;

  private PdfPages(PDDocument document) {
    document.setResourceCache(new NoXObjectCache());
    this.document = document;
    this.renderer = new StrictRenderer(document);
  }

  static PdfPages open(SourceAccess access) throws Problem {
    try {
      // The empty password opens PDFs that are encrypted only to restrict printing or copying.
      return new PdfPages(Loader.loadPDF(access.localFile(), "", null, null,
          IOUtils.createTempFileOnlyStreamCache()));
    } catch (InvalidPasswordException e) {
      throw new Problem(ErrorClass.ENCRYPTED_PDF, "PDF is password-protected: " + Problem.describe(e), e);
    } catch (IOException | RuntimeException | StackOverflowError e) {
      throw new Problem(ErrorClass.CORRUPT_PDF, "cannot parse the PDF: " + Problem.describe(e), e);
    }
  }

  @Override
  public int pageCount() throws Problem {
    int count = document.getNumberOfPages();
    if (count < 1) {
      throw new Problem(ErrorClass.CORRUPT_PDF, "PDF has no pages");
    }
    return count;
  }

  @Override
  public Size check(int pageNo, PageOptions options) throws Problem {
    long[] size = sizeAt(pageNo, options.pdfDpi());
    return Size.checked(size[0], size[1], options);
  }

  /** Width and height PDFRenderer gives the page at {@code dpi}: the crop box scaled and floored, then turned. */
  private long[] sizeAt(int pageNo, float dpi) throws Problem {
    PDRectangle crop;
    int rotation;
    try {
      PDPage page = document.getPage(pageNo - 1);
      crop = page.getCropBox();
      rotation = page.getRotation();
    } catch (RuntimeException | StackOverflowError e) {
      throw new Problem(ErrorClass.CORRUPT_PDF, "cannot read the page: " + Problem.describe(e), e);
    }
    float scale = dpi / 72f;
    long width = (long) Math.max(Math.floor(crop.getWidth() * scale), 1);
    long height = (long) Math.max(Math.floor(crop.getHeight() * scale), 1);
    return rotation == 90 || rotation == 270 ? new long[] {height, width} : new long[] {width, height};
  }

  @Override
  public Decoded decode(int pageNo, PageOptions options) throws Problem {
    Size size = check(pageNo, options);
    float dpi = options.pdfDpi();
    if (size.pixels() > options.maxRenderedPixels()) {
      // Render at a lower resolution: a rendering, not a decode, so there are no Pillow pixels to match here.
      dpi *= (float) Math.sqrt((double) options.maxRenderedPixels() / size.pixels());
      for (long[] at = sizeAt(pageNo, dpi); at[0] * at[1] > options.maxRenderedPixels(); at = sizeAt(pageNo, dpi)) {
        dpi *= 0.99f;
      }
    }
    BufferedImage image;
    try {
      image = Rgb.toRgb(renderer.renderImageWithDPI(pageNo - 1, dpi, ImageType.RGB));
    } catch (MissingImageReaderException e) {
      throw new Problem(ErrorClass.UNSUPPORTED_FORMAT, "page has an image no installed reader can decode: "
          + Problem.describe(e), e);
    } catch (IOException | RuntimeException | StackOverflowError e) {
      throw new Problem(ErrorClass.CORRUPT_PDF, "cannot render: " + Problem.describe(e), e);
    } catch (OutOfMemoryError e) {
      throw new Problem(ErrorClass.DECOMPRESSION_BOMB, "ran out of memory rendering " + size.width() + " x "
          + size.height() + " pixels at " + dpi + " dpi", e);
    }
    return new Decoded(image, size.width(), size.height(), Rgb.sha256(image));
  }

  @Override
  public void close() {
    try {
      document.close();
    } catch (IOException ignored) {
      // read-only document; its temp stream cache is removed either way
    }
  }

  /**
   * PDFBox logs a missing image codec (JPEG 2000 without its ImageIO plugin) and renders the page without the
   * image: for a scan that is a blank page reported as a success. This renderer fails the page instead.
   */
  private static final class StrictRenderer extends PDFRenderer {
    StrictRenderer(PDDocument document) {
      super(document);
    }

    @Override
    protected PageDrawer createPageDrawer(PageDrawerParameters parameters) throws IOException {
      return new PageDrawer(parameters) {
        @Override
        protected void operatorException(Operator operator, List<COSBase> operands, IOException e)
            throws IOException {
          if (e instanceof MissingImageReaderException) {
            throw e;
          }
          super.operatorException(operator, operands, e);
        }
      };
    }
  }

  /**
   * Fonts and colour spaces stay cached across pages; images and forms do not. PDFBox's default cache keeps every
   * page's image objects, decoded pixels included, through soft references: heap grew 34 KB a page for a small
   * stamp per page, and would grow by megabytes a page for scans, until the collector is pressed to clear them.
   */
  private static final class NoXObjectCache extends DefaultResourceCache {
    @Override
    public void put(COSObject indirect, PDXObject xobject) {
      // not cached: an image shared by many pages is decoded again for each, time traded for flat memory
    }
  }
}
