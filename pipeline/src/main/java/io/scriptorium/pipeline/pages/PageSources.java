package io.scriptorium.pipeline.pages;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.InvalidPathException;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/** Finds source files and splits them into pages. Works on any Hadoop file system; safe to call in executors. */
public final class PageSources {
  private PageSources() {}

  /**
   * Lists the files under the inputs, recursively, sorted by URI and without duplicates.
   *
   * <p>Files and directories whose names start with {@code .} or {@code _} ({@code _SUCCESS}, {@code _delta_log},
   * {@code .git}) are skipped while walking; {@code glob} (Java glob syntax on the file name, case-sensitive, e.g.
   * {@code *.{png,pdf}}) filters the files found. An input that names a file is listed as it is, whatever its name.
   *
   * @throws FileNotFoundException naming the URI when an input does not exist
   * @throws IOException when the storage cannot be listed
   */
  public static List<SourceFile> list(List<String> inputUris, String glob, Configuration conf) throws IOException {
    PathMatcher matcher = glob == null ? null : FileSystems.getDefault().getPathMatcher("glob:" + glob);
    Map<String, SourceFile> files = new TreeMap<>();
    for (String uri : inputUris) {
      Path path = new Path(uri);
      FileSystem fs = path.getFileSystem(conf);
      FileStatus status;
      try {
        status = fs.getFileStatus(path);
      } catch (FileNotFoundException e) {
        FileNotFoundException named = new FileNotFoundException("Input does not exist: " + uri);
        named.initCause(e);
        throw named;
      }
      if (status.isDirectory()) {
        walk(fs, status.getPath(), matcher, files);
      } else {
        add(status, files);
      }
    }
    return List.copyOf(files.values());
  }

  private static void walk(FileSystem fs, Path dir, PathMatcher matcher, Map<String, SourceFile> files)
      throws IOException {
    RemoteIterator<FileStatus> children = fs.listStatusIterator(dir);
    while (children.hasNext()) {
      FileStatus child = children.next();
      String name = child.getPath().getName();
      if (name.startsWith(".") || name.startsWith("_")) {
        continue;
      }
      if (child.isDirectory()) {
        walk(fs, child.getPath(), matcher, files);
      } else if (child.isFile() && matches(matcher, name)) {
        add(child, files);
      }
    }
  }

  private static boolean matches(PathMatcher matcher, String name) {
    try {
      return matcher == null || matcher.matches(java.nio.file.Path.of(name));
    } catch (InvalidPathException e) {
      return false; // a name the local file system cannot hold cannot match a local glob either
    }
  }

  private static void add(FileStatus status, Map<String, SourceFile> files) {
    String uri = status.getPath().toString();
    files.put(uri, new SourceFile(uri, status.getLen(), status.getModificationTime()));
  }

  /**
   * The pages of a file: every page of a PDF, every image of a TIFF, one for any other image. Checks what can be
   * checked without decoding (size limits, format, PDF encryption and structure, the declared pixel size of
   * single images) and reads only image headers of remote single-image files.
   *
   * <p>Never throws for a bad file: it then returns one failed {@link PageRef} (page 1) whose error class is one of
   * the {@link PageFailure} constants and whose message names the file.
   */
  public static List<PageRef> expand(SourceFile file, Configuration conf, PageOptions options) {
    Plugins.register();
    String uri = file.uri();
    PageFormat format = null;
    try (SourceAccess access = SourceAccess.open(uri, conf, options, false)) {
      format = access.format();
      try (PageSource pages = PageSource.open(access, true)) {
        int count = pages.pageCount();
        if (count == 1) {
          pages.check(1, options);
        }
        List<PageRef> refs = new ArrayList<>(count);
        for (int pageNo = 1; pageNo <= count; pageNo++) {
          refs.add(PageRef.ok(uri, pageNo, format));
        }
        return refs;
      }
    } catch (Problem p) {
      return List.of(PageRef.failed(uri, format, p.forFile(uri)));
    } catch (RuntimeException | StackOverflowError e) {
      Problem p = new Problem(unexpectedClass(format), "unexpected failure: " + Problem.describe(e), e);
      return List.of(PageRef.failed(uri, format, p.forFile(uri)));
    }
  }

  /** Decoders throw what they like on hostile input; blame the data unless we never got to it. */
  static String unexpectedClass(PageFormat format) {
    if (format == null) {
      return PageFailure.IO_ERROR;
    }
    return format == PageFormat.PDF ? PageFailure.CORRUPT_PDF : PageFailure.CORRUPT_IMAGE;
  }
}
