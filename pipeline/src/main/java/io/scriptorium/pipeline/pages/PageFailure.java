package io.scriptorium.pipeline.pages;

/**
 * A file or page that cannot be turned into an image. {@link #errorClass()} is one of the constants below and is
 * stable across releases, so it can be stored and counted; the message names the file (and page) and the reason.
 */
public final class PageFailure extends Exception {
  private static final long serialVersionUID = 1L;

  /** The file has 0 bytes. */
  public static final String EMPTY_FILE = "empty_file";
  /** The content is none of JPEG, PNG, TIFF, BMP, GIF, WebP or PDF, whatever the file is called. */
  public static final String UNSUPPORTED_FORMAT = "unsupported_format";
  /** Image data that cannot be decoded: bad header, truncated or damaged data. */
  public static final String CORRUPT_IMAGE = "corrupt_image";
  /** The header declares more pixels than {@link PageOptions#maxDeclaredPixels()}. */
  public static final String DECOMPRESSION_BOMB = "decompression_bomb";
  /** A side is below {@link PageOptions#minSide()}. */
  public static final String IMAGE_TOO_SMALL = "image_too_small";
  /** The PDF needs a password to open. */
  public static final String ENCRYPTED_PDF = "encrypted_pdf";
  /** A PDF that cannot be parsed, has no pages, or whose page cannot be rendered. */
  public static final String CORRUPT_PDF = "corrupt_pdf";
  /** The file cannot be read from storage. */
  public static final String IO_ERROR = "io_error";
  /** The file is over {@link PageOptions#maxFileBytes()}. */
  public static final String FILE_TOO_LARGE = "file_too_large";

  private final String errorClass;

  private PageFailure(String errorClass, String message, Throwable cause) {
    super(message, cause);
    this.errorClass = errorClass;
  }

  /** One of the constants of this class. */
  public String errorClass() {
    return errorClass;
  }

  /** A failure of the whole file: the message reads {@code "<uri>: <detail>"}. */
  public static PageFailure ofFile(String errorClass, String uri, String detail, Throwable cause) {
    return new PageFailure(errorClass, uri + ": " + detail, cause);
  }

  /** A failure of one page: the message reads {@code "<uri> page <n>: <detail>"}. */
  static PageFailure ofPage(String errorClass, String uri, int pageNo, String detail, Throwable cause) {
    return new PageFailure(errorClass, uri + " page " + pageNo + ": " + detail, cause);
  }

  /** Rethrows a failure recorded in a {@link PageRef}, whose message already names the file. */
  static PageFailure recorded(PageRef ref) {
    return new PageFailure(ref.errorClass(), ref.errorMessage(), null);
  }
}
