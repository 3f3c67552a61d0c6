package io.scriptorium.pipeline.vocab;

import java.util.Arrays;
import java.util.List;

/**
 * What {@code pages.error_class} holds: why a page failed. Stable across releases, so it can be stored and counted.
 * The reading classes come first (found while a file or page is read and decoded); the others come from preparing and
 * inferring the page, or from whatever else stopped it.
 *
 * <p>A transient failure may pass on its own: later runs retry the page, and after {@code
 * spark.scriptorium.retry.maxAttempts} failed attempts it is {@link PageStatus#QUARANTINED}. Any other failure repeats
 * until the file changes, so the page is not tried again before then.
 */
public enum ErrorClass implements WireValue {
  /** Reading: the file has 0 bytes. Permanent. */
  EMPTY_FILE(false),
  /**
   * Reading: the content is none of JPEG, PNG, TIFF, BMP, GIF, WebP or PDF, whatever the file is called, or a PDF page
   * holds an image no installed reader decodes (JPEG 2000). Permanent.
   */
  UNSUPPORTED_FORMAT(false),
  /** Reading: image data that cannot be decoded (bad header, truncated or damaged data). Permanent. */
  CORRUPT_IMAGE(false),
  /**
   * Reading: the header declares more pixels than {@code spark.scriptorium.image.maxDeclaredPixels}, or decoding the
   * image ran out of memory. Permanent.
   */
  DECOMPRESSION_BOMB(false),
  /** Reading: a side is below {@link io.scriptorium.pipeline.pages.PageOptions#minSide()} pixels. Permanent. */
  IMAGE_TOO_SMALL(false),
  /** Reading: the PDF needs a password to open. Permanent. */
  ENCRYPTED_PDF(false),
  /** Reading: a PDF that cannot be parsed, has no pages, or whose page cannot be rendered. Permanent. */
  CORRUPT_PDF(false),
  /** Reading: the file cannot be read from storage (gone, no permission, a network error). Transient. */
  IO_ERROR(true),
  /** Reading: the file is over {@link io.scriptorium.pipeline.pages.PageOptions#maxFileBytes()}. Permanent. */
  FILE_TOO_LARGE(false),
  /** Inference: the model failed on the page, or made no output for a duplicate's content. Transient. */
  INFERENCE_ERROR(true),
  /** Inference: the model's preprocessing refused the image. Permanent. */
  IMAGE_REJECTED(false),
  /** Anything else the page threw while it was read, prepared or submitted: an OutOfMemoryError, a bug. Transient. */
  UNEXPECTED_ERROR(true),
  /** Reading and preparing the page, or waiting for the model, took longer than its limit. Transient. */
  TIMEOUT(true),
  /** The page's Spark task kept losing its executor: the JVM died (a native crash, the OOM killer). Transient. */
  EXECUTOR_LOST(true);

  private static final List<String> TRANSIENT_WIRE_NAMES =
      Arrays.stream(values()).filter(ErrorClass::isTransient).map(ErrorClass::wireName).toList();

  private final boolean isTransient;

  ErrorClass(boolean isTransient) {
    this.isTransient = isTransient;
  }

  /** Whether the failure may pass on its own, so that later runs retry the page until it is quarantined. */
  public boolean isTransient() {
    return isTransient;
  }

  /** The wire names of the transient classes, for a filter on {@code error_class}. */
  public static List<String> transientWireNames() {
    return TRANSIENT_WIRE_NAMES;
  }

  /** @throws IllegalArgumentException naming the valid values, when {@code wire} is none of them */
  public static ErrorClass fromWire(String wire) {
    return WireValue.fromWire(ErrorClass.class, "error class", wire);
  }
}
