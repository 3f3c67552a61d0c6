package io.scriptorium.pipeline.pages;

import io.scriptorium.pipeline.vocab.ErrorClass;
import java.io.Serializable;
import java.util.Objects;

/**
 * One page of a source file, or the single stand-in for a file that failed before it could be split into pages.
 *
 * @param sourceUri the file, as listed
 * @param pageNo 1-based page (or TIFF image) number; 1 for single images and for failed files
 * @param format sniffed from the content: {@code jpeg, png, tiff, bmp, gif, webp, pdf} or {@code unknown}
 * @param errorClass why the file failed before page level; null unless it did
 * @param errorMessage names the file and says what is wrong; null exactly when {@code errorClass} is
 */
public record PageRef(String sourceUri, int pageNo, String format, ErrorClass errorClass, String errorMessage)
    implements Serializable {
  public PageRef {
    Objects.requireNonNull(sourceUri, "sourceUri");
    Objects.requireNonNull(format, "format");
    if (pageNo < 1) {
      throw new IllegalArgumentException("Invalid pageNo " + pageNo + " for " + sourceUri + ": pages count from 1");
    }
    if ((errorClass == null) != (errorMessage == null)) {
      throw new IllegalArgumentException("errorClass and errorMessage must both be set or both be null: "
          + errorClass + ", " + errorMessage);
    }
  }

  /** True when the whole file failed and this reference stands for it. */
  public boolean failed() {
    return errorClass != null;
  }

  static PageRef ok(String uri, int pageNo, PageFormat format) {
    return new PageRef(uri, pageNo, PageFormat.id(format), null, null);
  }

  static PageRef failed(String uri, PageFormat format, PageFailure failure) {
    return new PageRef(uri, 1, PageFormat.id(format), failure.errorClass(), failure.getMessage());
  }
}
