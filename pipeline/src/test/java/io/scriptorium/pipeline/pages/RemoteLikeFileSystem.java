package io.scriptorium.pipeline.pages;

import java.net.URI;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * Local files under the scheme {@code rlocal:}, so the code takes the path it takes for s3a: and hdfs: (stream
 * the header, copy to a temp file) while the data stays on local disk. Register with
 * {@code fs.rlocal.impl}.
 */
public class RemoteLikeFileSystem extends RawLocalFileSystem {
  static final String SCHEME = "rlocal";

  @Override
  public URI getUri() {
    return URI.create(SCHEME + ":///");
  }

  @Override
  public String getScheme() {
    return SCHEME;
  }
}
