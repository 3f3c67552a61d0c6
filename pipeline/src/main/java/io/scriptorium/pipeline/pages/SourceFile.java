package io.scriptorium.pipeline.pages;

import java.io.Serializable;
import java.util.Objects;

/**
 * One listed input file.
 *
 * @param uri fully qualified Hadoop path, e.g. {@code file:/data/a.pdf} or {@code s3a://bucket/a.pdf}
 * @param length size in bytes when listed
 * @param modificationTime milliseconds since the epoch when listed
 */
public record SourceFile(String uri, long length, long modificationTime) implements Serializable {
  public SourceFile {
    Objects.requireNonNull(uri, "uri");
  }
}
