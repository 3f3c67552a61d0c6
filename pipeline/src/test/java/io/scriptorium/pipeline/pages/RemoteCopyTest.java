package io.scriptorium.pipeline.pages;

import static org.assertj.core.api.Assertions.assertThat;

import io.scriptorium.testing.UnitTest;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Remote sources are copied once per file to java.io.tmpdir and deleted when the reader moves on or closes. */
@UnitTest
class RemoteCopyTest {
  @TempDir
  Path corpus;

  @TempDir
  Path tmp;

  private String savedTmpDir;

  @BeforeEach
  void redirectTempFiles() throws IOException {
    BadInputCorpus.write(corpus);
    savedTmpDir = System.getProperty("java.io.tmpdir");
    System.setProperty("java.io.tmpdir", tmp.toString()); // read at each copy, so copies land where we look
  }

  @AfterEach
  void restoreTempDir() {
    System.setProperty("java.io.tmpdir", savedTmpDir);
  }

  private List<Path> tempCopies() throws IOException {
    try (Stream<Path> files = Files.list(tmp)) {
      return files.filter(p -> p.getFileName().toString().startsWith("scriptorium-page-")).toList();
    }
  }

  @Test
  void fileUrisThroughRawLocalFileSystemAreCopiedOncePerSource() throws Exception {
    Configuration conf = new Configuration();
    conf.setClass("fs.file.impl", RawLocalFileSystem.class, org.apache.hadoop.fs.FileSystem.class);
    conf.setBoolean("fs.file.impl.disable.cache", true);
    String tiff = corpus.resolve("three-pages.tif").toUri().toString();
    String pdf = corpus.resolve("two-pages.pdf").toUri().toString();
    assertThat(tiff).startsWith("file:");

    List<PageRef> tiffPages = PageSources.expand(new SourceFile(tiff, 0, 0), conf, PageOptions.defaults());
    List<PageRef> pdfPages = PageSources.expand(new SourceFile(pdf, 0, 0), conf, PageOptions.defaults());
    assertThat(tiffPages).hasSize(3);
    assertThat(pdfPages).hasSize(2);

    try (PageReader reader = new PageReader(conf, PageOptions.defaults(), true)) {
      reader.read(tiffPages.get(0));
      File firstCopy = reader.openCopy();
      assertThat(firstCopy).isNotNull().exists().hasSameBinaryContentAs(corpus.resolve("three-pages.tif").toFile());
      assertThat(firstCopy.toPath().getParent()).isEqualTo(tmp);
      reader.read(tiffPages.get(1));
      reader.read(tiffPages.get(2));
      assertThat(reader.openCopy()).isSameAs(firstCopy); // not reopened for the next pages
      assertThat(tempCopies()).containsExactly(firstCopy.toPath());

      DecodedPage pdfPage = reader.read(pdfPages.get(1));
      assertThat(pdfPage.width()).isEqualTo(1699);
      assertThat(firstCopy).doesNotExist(); // switched files: the old copy is gone
      assertThat(tempCopies()).containsExactly(reader.openCopy().toPath());
    }
    assertThat(tempCopies()).isEmpty();
  }

  @Test
  void fileUrisAreReadInPlaceByDefault() throws Exception {
    String tiff = corpus.resolve("three-pages.tif").toUri().toString();
    Configuration conf = new Configuration();
    try (PageReader reader = new PageReader(conf, PageOptions.defaults())) {
      for (PageRef ref : PageSources.expand(new SourceFile(tiff, 0, 0), conf, PageOptions.defaults())) {
        reader.read(ref);
        assertThat(reader.openCopy()).isNull();
      }
    }
    assertThat(tempCopies()).isEmpty();
  }

  @Test
  void aRemoteSchemeIsListedExpandedAndCopiedLikeS3() throws Exception {
    Configuration conf = new Configuration();
    conf.setClass("fs." + RemoteLikeFileSystem.SCHEME + ".impl", RemoteLikeFileSystem.class,
        org.apache.hadoop.fs.FileSystem.class);
    conf.setBoolean("fs." + RemoteLikeFileSystem.SCHEME + ".impl.disable.cache", true);
    String root = RemoteLikeFileSystem.SCHEME + "://" + corpus.toAbsolutePath();

    List<SourceFile> files = PageSources.list(List.of(root), null, conf);
    assertThat(files).hasSize(BadInputCorpus.expected().size());
    assertThat(files).allSatisfy(f -> assertThat(f.uri()).startsWith(RemoteLikeFileSystem.SCHEME + ":/"));

    int pages = 0;
    try (PageReader reader = new PageReader(conf, PageOptions.defaults())) {
      for (SourceFile file : files) {
        String name = file.uri().substring(file.uri().lastIndexOf('/') + 1);
        BadInputCorpus.Expected expected = BadInputCorpus.expected().stream()
            .filter(e -> e.fileName().equals(name)).findFirst().orElseThrow();
        List<Path> before = tempCopies(); // the reader's copy of the previous file, if any
        List<PageRef> refs = PageSources.expand(file, conf, PageOptions.defaults());
        assertThat(tempCopies()).as("expand leaves no copies behind").isEqualTo(before);
        PageRun run = PageRun.of(file.uri(), conf, PageOptions.defaults(), reader);
        assertThat(run.refs()).isEqualTo(refs);
        assertThat(run.errorClass()).as(name).isEqualTo(expected.errorClass());
        if (expected.ok()) {
          assertThat(reader.openCopy()).as(name).isNotNull();
          assertThat(run.failures()).isEmpty();
          pages += run.decoded().size();
        } else {
          assertThat(run.failures().get(0).getMessage()).startsWith(file.uri());
        }
        assertThat(tempCopies().size()).isLessThanOrEqualTo(1);
      }
    }
    assertThat(tempCopies()).isEmpty();
    assertThat(pages).isEqualTo(BadInputCorpus.expected().stream().filter(BadInputCorpus.Expected::ok)
        .mapToInt(BadInputCorpus.Expected::pages).sum());
  }
}
