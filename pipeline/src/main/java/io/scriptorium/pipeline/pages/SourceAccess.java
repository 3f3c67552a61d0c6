package io.scriptorium.pipeline.pages;

import io.scriptorium.pipeline.vocab.ErrorClass;
import java.io.Closeable;
import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HexFormat;
import javax.imageio.stream.FileImageInputStream;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * A source file found and checked: size limits, format sniffed. Local {@code file:} paths are read in place; other
 * file systems are copied once to a temp file under {@code java.io.tmpdir}, deleted by {@link #close()}.
 */
final class SourceAccess implements Closeable {
  private final String uri;
  private final FileSystem fs;
  private final org.apache.hadoop.fs.Path path;
  private final long length;
  private final PageFormat format;
  private final File inPlace;
  private File copy;

  private SourceAccess(String uri, FileSystem fs, org.apache.hadoop.fs.Path path, long length, PageFormat format,
      File inPlace) {
    this.uri = uri;
    this.fs = fs;
    this.path = path;
    this.length = length;
    this.format = format;
    this.inPlace = inPlace;
  }

  /**
   * @param copyLocal copy {@code file:} paths too, as if they were remote (for tests of the copy path)
   */
  static SourceAccess open(String uri, Configuration conf, PageOptions options, boolean copyLocal) throws Problem {
    org.apache.hadoop.fs.Path path;
    FileSystem fs;
    FileStatus status;
    try {
      path = new org.apache.hadoop.fs.Path(uri);
      fs = path.getFileSystem(conf);
      status = fs.getFileStatus(path);
    } catch (FileNotFoundException e) {
      throw new Problem(ErrorClass.IO_ERROR, "file not found", e);
    } catch (IOException | RuntimeException e) {
      throw new Problem(ErrorClass.IO_ERROR, "cannot open: " + Problem.describe(e), e);
    }
    if (status.isDirectory()) {
      throw new Problem(ErrorClass.IO_ERROR, "is a directory, not a file");
    }
    long length = status.getLen();
    if (length == 0) {
      throw new Problem(ErrorClass.EMPTY_FILE, "file is empty (0 bytes)");
    }
    if (length > options.maxFileBytes()) {
      throw new Problem(ErrorClass.FILE_TOO_LARGE,
          "file has " + length + " bytes, over the limit of " + options.maxFileBytes());
    }
    File inPlace = copyLocal ? null : localFile(fs, path);
    byte[] head = new byte[(int) Math.min(PageFormat.HEAD_BYTES, length)];
    try (InputStream in = inPlace != null ? Files.newInputStream(inPlace.toPath()) : fs.open(path)) {
      int n = in.readNBytes(head, 0, head.length);
      if (n < head.length) {
        throw new IOException("file ended after " + n + " of " + length + " bytes");
      }
    } catch (IOException e) {
      throw new Problem(ErrorClass.IO_ERROR, "cannot read: " + Problem.describe(e), e);
    }
    PageFormat format = PageFormat.sniff(head, head.length);
    if (format == null) {
      throw unrecognised(path.getName(), head);
    }
    return new SourceAccess(uri, fs, path, length, format, inPlace);
  }

  /**
   * Unknown content is {@code unsupported_format}, unless the name claims a format of ours: then the file is
   * most likely a damaged one of those, and saying so helps whoever looks at the failure.
   */
  private static Problem unrecognised(String name, byte[] head) {
    String start = HexFormat.ofDelimiter(" ").formatHex(head, 0, Math.min(8, head.length));
    PageFormat claimed = PageFormat.claimedBy(name);
    if (claimed == null) {
      return new Problem(ErrorClass.UNSUPPORTED_FORMAT,
          "content is not a supported image or PDF (starts with " + start + ")");
    }
    ErrorClass errorClass = claimed == PageFormat.PDF ? ErrorClass.CORRUPT_PDF : ErrorClass.CORRUPT_IMAGE;
    return new Problem(errorClass, "named as " + claimed.id() + " but the content is not " + claimed.id()
        + " nor any other supported format (starts with " + start + ")");
  }

  private static File localFile(FileSystem fs, org.apache.hadoop.fs.Path path) {
    if (!"file".equals(fs.getUri().getScheme())) {
      return null;
    }
    if (fs instanceof LocalFileSystem local) {
      return local.pathToFile(path);
    }
    if (fs instanceof RawLocalFileSystem raw) {
      return raw.pathToFile(path);
    }
    return null;
  }

  String uri() {
    return uri;
  }

  PageFormat format() {
    return format;
  }

  long length() {
    return length;
  }

  /** The file on local disk: in place, or copied on the first call. */
  File localFile() throws Problem {
    if (inPlace != null) {
      return inPlace;
    }
    if (copy == null) {
      Path temp = null;
      try (InputStream in = fs.open(path)) {
        temp = Files.createTempFile(Path.of(System.getProperty("java.io.tmpdir")), "scriptorium-page-",
            "." + format.id());
        long copied = Files.copy(in, temp, StandardCopyOption.REPLACE_EXISTING);
        if (copied != length) {
          throw new IOException("copied " + copied + " bytes, expected " + length + " (file changed?)");
        }
        copy = temp.toFile();
      } catch (IOException e) {
        deleteQuietly(temp);
        throw new Problem(ErrorClass.IO_ERROR, "cannot copy to local disk: " + Problem.describe(e), e);
      }
    }
    return copy;
  }

  /** The temp copy, or null when the file is read in place or not copied yet. */
  File copy() {
    return copy;
  }

  /**
   * A stream for reading image headers. Remote files are streamed rather than copied, so listing pages of a
   * bucket of JPEGs reads only their first kilobytes.
   */
  ImageInputStream headerStream() throws Problem {
    try {
      if (inPlace != null || copy != null) {
        return new FileImageInputStream(inPlace != null ? inPlace : copy);
      }
      InputStream in = fs.open(path);
      return new MemoryCacheImageInputStream(in) {
        @Override
        public void close() throws IOException {
          try {
            super.close();
          } finally {
            in.close(); // MemoryCacheImageInputStream leaves its source open
          }
        }
      };
    } catch (IOException e) {
      throw new Problem(ErrorClass.IO_ERROR, "cannot read: " + Problem.describe(e), e);
    }
  }

  @Override
  public void close() {
    if (copy != null) {
      deleteQuietly(copy.toPath());
      copy = null;
    }
  }

  private static void deleteQuietly(Path file) {
    if (file != null) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException ignored) {
        // a temp file left behind is not worth failing a page for
      }
    }
  }
}
