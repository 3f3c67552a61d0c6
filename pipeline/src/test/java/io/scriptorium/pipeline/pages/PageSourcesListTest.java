package io.scriptorium.pipeline.pages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scriptorium.testing.UnitTest;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@UnitTest
class PageSourcesListTest {
  @TempDir
  Path root;

  private final Configuration conf = new Configuration();

  @BeforeEach
  void layout() throws IOException {
    for (String name : List.of("a.png", "b.PDF", "sub/c.pdf", "sub/deeper/d.tif", ".hidden.png", "_SUCCESS",
        "_delta_log/00.json", ".git/e.png", "sub/_tmp/f.png", "notes.txt")) {
      Path file = root.resolve(name);
      Files.createDirectories(file.getParent());
      Files.writeString(file, name);
    }
  }

  private List<String> names(List<SourceFile> files) {
    String prefix = root.toUri().toString().replaceFirst("^file:///", "file:/");
    return files.stream().map(f -> f.uri().substring(prefix.length())).toList();
  }

  @Test
  void walksRecursivelySkippingHiddenAndUnderscoreNames() throws IOException {
    List<SourceFile> files = PageSources.list(List.of(root.toUri().toString()), null, conf);
    assertThat(names(files)).containsExactly("a.png", "b.PDF", "notes.txt", "sub/c.pdf", "sub/deeper/d.tif");
    assertThat(files.get(0).length()).isEqualTo("a.png".length());
    assertThat(files.get(0).modificationTime()).isPositive();
  }

  @Test
  void globFiltersFileNamesCaseSensitively() throws IOException {
    List<SourceFile> files = PageSources.list(List.of(root.toString()), "*.{png,pdf,tif}", conf);
    assertThat(names(files)).containsExactly("a.png", "sub/c.pdf", "sub/deeper/d.tif");
  }

  @Test
  void explicitFilesAreListedAsTheyAreAndDuplicatesOnce() throws IOException {
    List<SourceFile> files = PageSources.list(List.of(root.resolve("_SUCCESS").toString(),
        root.resolve("sub").toString(), root.resolve("sub/c.pdf").toUri().toString()), "*.png", conf);
    assertThat(names(files)).containsExactly("_SUCCESS", "sub/c.pdf");
  }

  @Test
  void aMissingInputIsNamed() {
    String missing = root.resolve("nope").toUri().toString();
    assertThatThrownBy(() -> PageSources.list(List.of(root.toString(), missing), null, conf))
        .isInstanceOf(FileNotFoundException.class)
        .hasMessage("Input does not exist: " + missing);
  }
}
