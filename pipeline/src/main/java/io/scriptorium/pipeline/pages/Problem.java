package io.scriptorium.pipeline.pages;

import io.scriptorium.pipeline.vocab.ErrorClass;

/**
 * What went wrong, before it is tied to a file and page. Internal code throws this; {@link PageSources} and
 * {@link PageReader} turn it into a {@link PageFailure} whose message names the file and page.
 */
final class Problem extends Exception {
  private static final long serialVersionUID = 1L;

  private final ErrorClass errorClass;

  Problem(ErrorClass errorClass, String detail) {
    this(errorClass, detail, null);
  }

  Problem(ErrorClass errorClass, String detail, Throwable cause) {
    super(detail, cause);
    this.errorClass = errorClass;
  }

  ErrorClass errorClass() {
    return errorClass;
  }

  PageFailure forFile(String uri) {
    return PageFailure.ofFile(errorClass, uri, getMessage(), getCause());
  }

  PageFailure forPage(String uri, int pageNo) {
    return PageFailure.ofPage(errorClass, uri, pageNo, getMessage(), getCause());
  }

  /** Names the exception class too: decoder messages alone are often just "null" or "EOF". */
  static String describe(Throwable t) {
    String message = t.getMessage();
    return message == null ? t.getClass().getSimpleName() : t.getClass().getSimpleName() + ": " + message;
  }
}
