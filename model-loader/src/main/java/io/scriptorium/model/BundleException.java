package io.scriptorium.model;

/** A model bundle that is missing, malformed, of an unknown format version, or fails its sha256 checks. */
public class BundleException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public BundleException(String message) {
    super(message);
  }

  public BundleException(String message, Throwable cause) {
    super(message, cause);
  }
}
