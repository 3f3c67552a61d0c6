package io.scriptorium.pipeline.infer;

import io.scriptorium.pipeline.pages.PageFailure;
import java.time.Duration;
import java.util.Set;

/**
 * The error classes of pages that fail after reading ({@link PageFailure} has the reading ones): stable, stored in
 * {@code pages.error_class}, and the one place that says which failures are transient.
 */
public final class PageErrors {
  /** The model failed on the page, or made no output for a duplicate's content. */
  public static final String INFERENCE_ERROR = "inference_error";
  /** The model's preprocessing refused the image. */
  static final String IMAGE_REJECTED = "image_rejected";
  /** Anything else the page threw while it was read, prepared or submitted: an OutOfMemoryError, a bug. */
  static final String UNEXPECTED_ERROR = "unexpected_error";
  /** Reading and preparing the page, or waiting for the model, took longer than its limit. */
  public static final String TIMEOUT = "timeout";
  /** The page's Spark task kept losing its executor: the JVM died (a native crash, the kernel's OOM killer). */
  static final String EXECUTOR_LOST = "executor_lost";

  /** Failures that may pass on their own: a later run retries the page until it is quarantined. */
  public static final Set<String> TRANSIENT =
      Set.of(PageFailure.IO_ERROR, INFERENCE_ERROR, UNEXPECTED_ERROR, TIMEOUT, EXECUTOR_LOST);

  private PageErrors() {}

  /** The message of an {@link #UNEXPECTED_ERROR}: the page, then the throwable's class and message. */
  static String unexpected(String uri, int pageNo, Throwable thrown) {
    return page(uri, pageNo) + ": unexpected " + thrown.getClass().getName() + ": " + thrown.getMessage();
  }

  /** The message of a {@link #TIMEOUT}: what took too long, the limit and the setting that sets it. */
  public static String timeout(String what, Duration limit, String setting) {
    return what + " took more than " + limit.toSeconds() + " s (" + setting + "); given up, a later run retries it";
  }

  public static String page(String uri, int pageNo) {
    return uri + " page " + pageNo;
  }
}
