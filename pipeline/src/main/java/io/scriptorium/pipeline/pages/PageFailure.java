package io.scriptorium.pipeline.pages;

import io.scriptorium.pipeline.vocab.ErrorClass;

/**
 * A file or page that cannot be turned into an image. {@link #errorClass()} is one of the reading classes of {@link
 * ErrorClass} and is stable across releases, so it can be stored and counted; the message names the file (and page)
 * and the reason.
 */
public final class PageFailure extends Exception {
  private static final long serialVersionUID = 1L;

  private final ErrorClass errorClass;

  private PageFailure(ErrorClass errorClass, String message, Throwable cause) {
    super(message, cause);
    this.errorClass = errorClass;
  }

  public ErrorClass errorClass() {
    return errorClass;
  }

  /** A failure of the whole file: the message reads {@code "<uri>: <detail>"}. */
  public static PageFailure ofFile(ErrorClass errorClass, String uri, String detail, Throwable cause) {
    return new PageFailure(errorClass, uri + ": " + detail, cause);
  }

  /** A failure of one page: the message reads {@code "<uri> page <n>: <detail>"}. */
  static PageFailure ofPage(ErrorClass errorClass, String uri, int pageNo, String detail, Throwable cause) {
    return new PageFailure(errorClass, uri + " page " + pageNo + ": " + detail, cause);
  }

  /** Rethrows a failure recorded in a {@link PageRef}, whose message already names the file. */
  static PageFailure recorded(PageRef ref) {
    return new PageFailure(ref.errorClass(), ref.errorMessage(), null);
  }
}
