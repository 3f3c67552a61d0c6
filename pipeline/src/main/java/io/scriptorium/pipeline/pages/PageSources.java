package io.scriptorium.pipeline.pages;

import io.scriptorium.pipeline.vocab.ErrorClass;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.PathMatcher;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
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
    Listing listing = start(inputUris, glob, conf, Integer.MAX_VALUE);
    List<SourceFile> files = new ArrayList<>(listing.files());
    files.sort(Comparator.comparing(SourceFile::uri));
    return files;
  }

  /**
   * The start of a listing shared out among executors: what {@link #list} lists, except the subtrees of
   * {@link Listing#directories()}, which {@link #walk} lists. The inputs' upper levels are listed here, breadth first,
   * until at least {@code directories} directories are left to walk or none is.
   *
   * @param files the files found so far: the inputs that name files and the files of the levels listed, each once
   * @param directories URIs of disjoint subtrees (no directory in another's), each to walk once
   * @param named the inputs that name files, which walks leave out (they are in {@code files} already)
   */
  public record Listing(List<SourceFile> files, List<String> directories, Set<String> named) {}

  /** See {@link Listing}. */
  public static Listing start(List<String> inputUris, String glob, Configuration conf, int directories)
      throws IOException {
    PathMatcher matcher = matcher(glob);
    Map<String, SourceFile> files = new LinkedHashMap<>();
    List<Path> inputDirectories = new ArrayList<>();
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
        inputDirectories.add(status.getPath());
      } else {
        files.put(status.getPath().toString(), file(status));
      }
    }
    Set<String> named = Set.copyOf(files.keySet());
    List<Path> frontier = outermost(inputDirectories);
    while (!frontier.isEmpty() && frontier.size() < directories) {
      List<Path> next = new ArrayList<>();
      for (Path dir : frontier) {
        for (Entry entry : entries(dir.getFileSystem(conf), dir)) {
          if (entry.directory()) {
            next.add(entry.path());
          } else if (matches(matcher, entry.name())) {
            files.putIfAbsent(entry.uri(), entry.file());
          }
        }
      }
      frontier = next;
    }
    return new Listing(List.copyOf(files.values()), frontier.stream().map(d -> d.toUri().toString()).toList(), named);
  }

  /**
   * Every file under a directory of {@link Listing#directories()}, recursively, as {@link #list} walks it, except the
   * URIs in {@code except}. Safe to call in executors.
   */
  public static void walk(String directory, String glob, Set<String> except, Configuration conf,
      Consumer<SourceFile> out) throws IOException {
    Path dir = new Path(URI.create(directory));
    walk(dir.getFileSystem(conf), dir, matcher(glob), except, out);
  }

  private static void walk(FileSystem fs, Path dir, PathMatcher matcher, Set<String> except, Consumer<SourceFile> out)
      throws IOException {
    for (Entry entry : entries(fs, dir)) {
      if (entry.directory()) {
        walk(fs, entry.path(), matcher, except, out);
      } else if (matches(matcher, entry.name()) && !except.contains(entry.uri())) {
        out.accept(entry.file());
      }
    }
  }

  /** The directories among {@code dirs} that no other one's walk reaches, each once. */
  private static List<Path> outermost(List<Path> dirs) {
    Set<String> all = new LinkedHashSet<>();
    dirs.forEach(d -> all.add(d.toString()));
    List<Path> kept = new ArrayList<>();
    for (String dir : all) {
      if (all.stream().noneMatch(other -> !other.equals(dir) && reaches(other, dir))) {
        kept.add(new Path(dir));
      }
    }
    return kept;
  }

  /** Whether walking {@code from} lists {@code dir}: it lies below and no name on the way is skipped. */
  private static boolean reaches(String from, String dir) {
    String prefix = from.endsWith("/") ? from : from + "/";
    if (!dir.startsWith(prefix)) {
      return false;
    }
    for (String name : dir.substring(prefix.length()).split("/")) {
      if (skipped(name)) {
        return false;
      }
    }
    return true;
  }

  /** One entry of a directory: a file, or a directory and its path. */
  private record Entry(String name, String uri, Path path, boolean directory, long length, long modified) {
    SourceFile file() {
      return new SourceFile(uri, length, modified);
    }
  }

  /**
   * The entries of a directory that walks do not skip. The local file system is read with java.nio, one stat per
   * entry where Hadoop's local listing makes four and parses every path; the URIs are the ones Hadoop gives.
   */
  private static List<Entry> entries(FileSystem fs, Path dir) throws IOException {
    List<Entry> entries = new ArrayList<>();
    if (isLocal(fs)) {
      String parent = dir.toString();
      String prefix = parent.endsWith("/") ? parent : parent + "/";
      java.nio.file.Path local = java.nio.file.Path.of(dir.toUri().getPath());
      try (DirectoryStream<java.nio.file.Path> children = Files.newDirectoryStream(local)) {
        for (java.nio.file.Path child : children) {
          String name = child.getFileName().toString();
          if (skipped(name)) {
            continue;
          }
          BasicFileAttributes attributes;
          try {
            attributes = Files.readAttributes(child, BasicFileAttributes.class);
          } catch (NoSuchFileException e) {
            continue; // removed since, or a dangling link: Hadoop leaves it out too
          }
          boolean directory = attributes.isDirectory();
          // a child path as Hadoop's local listing makes it (names with ':' included); only directories need one
          Path path = directory ? new Path(dir, new Path(null, null, name)) : null;
          entries.add(new Entry(name, prefix + name, path, directory, attributes.size(),
              attributes.lastModifiedTime().toMillis()));
        }
      } catch (NoSuchFileException e) {
        throw new FileNotFoundException("File " + dir + " does not exist");
      }
      return entries;
    }
    RemoteIterator<FileStatus> children = fs.listStatusIterator(dir);
    while (children.hasNext()) {
      FileStatus child = children.next();
      String name = child.getPath().getName();
      if (!skipped(name) && (child.isDirectory() || child.isFile())) {
        entries.add(new Entry(name, child.getPath().toString(), child.getPath(), child.isDirectory(), child.getLen(),
            child.getModificationTime()));
      }
    }
    return entries;
  }

  /** The plain local file system (not a subclass with behaviour of its own). */
  private static boolean isLocal(FileSystem fs) {
    return fs.getClass() == LocalFileSystem.class || fs.getClass() == RawLocalFileSystem.class;
  }

  private static boolean skipped(String name) {
    return name.startsWith(".") || name.startsWith("_");
  }

  private static PathMatcher matcher(String glob) {
    return glob == null ? null : FileSystems.getDefault().getPathMatcher("glob:" + glob);
  }

  private static boolean matches(PathMatcher matcher, String name) {
    try {
      return matcher == null || matcher.matches(java.nio.file.Path.of(name));
    } catch (InvalidPathException e) {
      return false; // a name the local file system cannot hold cannot match a local glob either
    }
  }

  private static SourceFile file(FileStatus status) {
    return new SourceFile(status.getPath().toString(), status.getLen(), status.getModificationTime());
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
  static ErrorClass unexpectedClass(PageFormat format) {
    if (format == null) {
      return ErrorClass.IO_ERROR;
    }
    return format == PageFormat.PDF ? ErrorClass.CORRUPT_PDF : ErrorClass.CORRUPT_IMAGE;
  }
}
