package io.scriptorium.pipeline.infer;

import io.scriptorium.pipeline.vocab.ErrorClass;
import java.time.Duration;

/** The messages of pages that fail after reading; {@link ErrorClass} has their classes. */
public final class PageErrors {
  private PageErrors() {}

  /** The message of an {@link ErrorClass#UNEXPECTED_ERROR}: the page, then the throwable's class and message. */
  static String unexpected(String uri, int pageNo, Throwable thrown) {
    return page(uri, pageNo) + ": unexpected " + thrown.getClass().getName() + ": " + thrown.getMessage();
  }

  /** The message of a {@link ErrorClass#TIMEOUT}: what took too long, the limit and the setting that sets it. */
  public static String timeout(String what, Duration limit, String setting) {
    return what + " took more than " + limit.toSeconds() + " s (" + setting + "); given up, a later run retries it";
  }

  public static String page(String uri, int pageNo) {
    return uri + " page " + pageNo;
  }
}
