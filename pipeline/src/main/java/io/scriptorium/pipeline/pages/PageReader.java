package io.scriptorium.pipeline.pages;

import io.scriptorium.pipeline.vocab.ErrorClass;
import java.io.File;
import java.util.Objects;
import org.apache.hadoop.conf.Configuration;

/**
 * Decodes pages, one Spark partition's worth. Keeps the last file open (its local copy, the parsed PDF, the TIFF
 * reader), so reading the pages of a file in order opens it once; reading another file closes it. Not
 * thread-safe: use one per task and close it when the partition is done.
 */
public final class PageReader implements AutoCloseable {
  private final Configuration conf;
  private final PageOptions options;
  private final boolean copyLocal;
  private final boolean nativeDecoding;
  private String openUri;
  private SourceAccess access;
  private PageSource pages;
  private Problem openProblem;

  public PageReader(Configuration conf, PageOptions options) {
    this(conf, options, false);
  }

  /** @param copyLocal copy {@code file:} sources to a temp file as if they were remote (for tests) */
  PageReader(Configuration conf, PageOptions options, boolean copyLocal) {
    this(conf, options, copyLocal, true);
  }

  /** @param nativeDecoding false: JPEG and PNG through ImageIO too, as where the native decoder cannot load (tests) */
  PageReader(Configuration conf, PageOptions options, boolean copyLocal, boolean nativeDecoding) {
    this.conf = Objects.requireNonNull(conf, "conf");
    this.options = Objects.requireNonNull(options, "options");
    this.copyLocal = copyLocal;
    this.nativeDecoding = nativeDecoding;
    Plugins.register();
  }

  /**
   * What decodes JPEG and PNG pages in this JVM, for reports: e.g. "libjpeg-turbo 3.1.2, libpng 1.6.53 (OpenCV
   * 4.13.0, org.bytedeco)", or "ImageIO" where the native decoder cannot load. Loads it if not yet loaded.
   */
  public static String jpegPngDecoder() {
    return NativeDecoder.available() ? NativeDecoder.description() : "ImageIO";
  }

  /**
   * Decodes one page to 8-bit RGB.
   *
   * @throws PageFailure for this page only, with a stable {@link PageFailure#errorClass()} and a message naming the
   *     file and page; a failed {@code ref} is rethrown as its recorded failure
   */
  public DecodedPage read(PageRef ref) throws PageFailure {
    long start = System.nanoTime();
    if (ref.failed()) {
      throw PageFailure.recorded(ref);
    }
    PageFormat format = null;
    try {
      PageSource source = source(ref.sourceUri());
      format = access.format();
      int count = source.pageCount();
      if (ref.pageNo() > count) {
        throw new Problem(ErrorClass.IO_ERROR, "no such page: the file has " + count
            + " (did it change after it was listed?)");
      }
      PageSource.Decoded page = source.decode(ref.pageNo(), options);
      return new DecodedPage(ref, page.image(), page.width(), page.height(), page.sha256(),
          System.nanoTime() - start);
    } catch (Problem p) {
      throw p.forPage(ref.sourceUri(), ref.pageNo());
    } catch (RuntimeException | StackOverflowError e) {
      Problem p = new Problem(PageSources.unexpectedClass(format), "unexpected failure: " + Problem.describe(e), e);
      throw p.forPage(ref.sourceUri(), ref.pageNo());
    }
  }

  private PageSource source(String uri) throws Problem {
    if (uri.equals(openUri)) {
      if (openProblem != null) {
        throw openProblem; // the file failed as a whole: don't open it again for each of its pages
      }
      return pages;
    }
    closeSource();
    openUri = uri;
    try {
      access = SourceAccess.open(uri, conf, options, copyLocal);
      pages = PageSource.open(access, false, nativeDecoding);
      return pages;
    } catch (Problem p) {
      openProblem = p;
    } catch (RuntimeException e) {
      PageFormat format = access == null ? null : access.format();
      openProblem = new Problem(PageSources.unexpectedClass(format), "unexpected failure: " + Problem.describe(e), e);
    }
    if (access != null) {
      access.close();
      access = null;
    }
    throw openProblem;
  }

  /** The temp copy of the open file, or null when it is read in place or nothing is open. */
  File openCopy() {
    return access == null ? null : access.copy();
  }

  private void closeSource() {
    try {
      if (pages != null) {
        pages.close();
      }
    } finally {
      if (access != null) {
        access.close();
      }
      pages = null;
      access = null;
      openUri = null;
      openProblem = null;
    }
  }

  @Override
  public void close() {
    closeSource();
  }
}
