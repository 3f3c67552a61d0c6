package io.scriptorium.model;

/** An image the runtime refuses before allocating for it: too many pixels, an extreme aspect ratio, or too small. */
public class ImageRejectedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ImageRejectedException(String message) {
    super(message);
  }
}
