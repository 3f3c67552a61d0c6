package io.scriptorium.pipeline.pages;

import static org.assertj.core.api.Assertions.assertThat;

import io.scriptorium.testing.UnitTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A listing shared out among executors ({@link PageSources#start} + {@link PageSources#walk}) lists what list does. */
@UnitTest
class PageSourcesSharedListingTest {
  private static final List<String> NAMES = List.of("a.png", "b.PDF", "sub/c.pdf", "sub/deeper/d.tif", ".hidden.png",
      "_SUCCESS", "_delta_log/00.json", ".git/e.png", "sub/_tmp/f.png", "notes.txt", "a b.png", "100%.png",
      "a%20b.png", "hash#1.png", "colon:x.png", "q?.png", "ünï.png", "brackets[1].png", "plus+&=.png",
      "dir with space/x.png", "dir:colon/y.png", "pct%dir/z%41.png", "many/m1/1.png", "many/m2/2.png", "many/m3/3.png");

  @TempDir
  Path root;

  private final Configuration conf = new Configuration();

  @BeforeEach
  void layout() throws IOException {
    for (String name : NAMES) {
      Path file = root.resolve(name);
      Files.createDirectories(file.getParent());
      Files.writeString(file, name);
    }
  }

  @Test
  void sharedOutTheListingIsTheSameWhereverItStops() throws IOException {
    List<String> inputs = List.of(root.toUri().toString(), root.resolve("sub").toUri().toString(),
        root.resolve("sub/_tmp").toUri().toString(), root.resolve("notes.txt").toUri().toString(),
        root.resolve("_SUCCESS").toUri().toString());
    for (String glob : new String[] {null, "*.{png,pdf,tif}"}) {
      List<SourceFile> expected = PageSources.list(inputs, glob, conf);
      assertThat(expected).extracting(SourceFile::uri).contains(root.resolve("sub/_tmp/f.png").toUri().toString()
          .replaceFirst("^file:///", "file:/"));
      for (int directories : new int[] {1, 2, 5, 1000}) {
        PageSources.Listing listing = PageSources.start(inputs, glob, conf, directories);
        List<SourceFile> shared = new ArrayList<>(listing.files());
        for (String dir : listing.directories()) {
          PageSources.walk(dir, glob, listing.named(), conf, shared::add);
        }
        shared.sort(Comparator.comparing(SourceFile::uri));
        assertThat(shared).as("glob %s, %d directories", glob, directories).isEqualTo(expected);
      }
    }
  }

  @Test
  void localUrisSizesAndTimesAreHadoopsOwn() throws IOException {
    FileSystem local = FileSystem.getLocal(conf);
    Set<String> hadoop = new TreeSet<>();
    for (String dir : List.of("", "dir with space", "dir:colon", "pct%dir")) {
      for (FileStatus status : local.listStatus(new org.apache.hadoop.fs.Path(root.resolve(dir).toUri()))) {
        if (status.isFile() && !status.getPath().getName().startsWith(".")
            && !status.getPath().getName().startsWith("_")) {
          hadoop.add(status.getPath() + " " + status.getLen() + " " + status.getModificationTime());
        }
      }
    }
    Set<String> ours = new TreeSet<>();
    String prefix = root.toUri().toString().replaceFirst("^file:///", "file:/");
    for (SourceFile f : PageSources.list(List.of(root.toUri().toString()), null, conf)) {
      String relative = f.uri().substring(prefix.length());
      if (!relative.contains("/") || relative.contains("dir")) {
        ours.add(f.uri() + " " + f.length() + " " + f.modificationTime());
      }
    }
    assertThat(ours).isEqualTo(hadoop).hasSize(15);
  }
}
