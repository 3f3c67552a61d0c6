package io.scriptorium.pipeline.pages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.scriptorium.testing.DataTest;
import io.scriptorium.testing.SharedData;
import io.scriptorium.testing.UnitTest;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The native JPEG/PNG path ({@link NativeDecoder}) and ImageIO give the same pixels and the same content hash, the
 * flavours it takes are the ones decided from the headers, and a machine where it cannot load decodes with ImageIO.
 * {@link PillowPixelsTest} compares the default path (native where it loads) with Pillow; this test keeps the ImageIO
 * path, used where the library is missing, equal to it.
 */
@UnitTest
@DataTest
class NativeDecoderTest {
  /** Corpus files that stay with ImageIO: CMYK/YCCK (OpenCV's own CMYK formula) and 16-bit PNG. */
  private static final Set<String> IMAGEIO_ONLY = Set.of("jpeg-cmyk-adobe.jpg", "jpeg-ycck-adobe.jpg",
      "png-grey16.png", "png-rgb16.png", "png-rgba16.png");

  @Test
  void loadsOnLinuxX86_64() {
    assumeTrue(System.getProperty("os.name").startsWith("Linux") && System.getProperty("os.arch").equals("amd64"),
        "the native decoder ships for linux-x86_64 only");
    assertThat(NativeDecoder.available()).isTrue();
    assertThat(PageReader.jpegPngDecoder()).startsWith("libjpeg-turbo 3.").contains("libpng 1.6.");
  }

  @Test
  void aLibraryThatCannotLoadLeavesImageIoWithoutFailing() {
    assertThat(NativeDecoder.load(() -> {
      throw new UnsatisfiedLinkError("no libopencv_core.so.413 for this platform");
    })).isNull();
    assertThat(NativeDecoder.load(() -> {
      throw new NoClassDefFoundError("org/bytedeco/opencv/global/opencv_imgcodecs");
    })).isNull();
    assertThat(NativeDecoder.load(() -> "loaded")).isEqualTo("loaded");
  }

  static List<Path> corpus() throws IOException, URISyntaxException {
    return PillowPixelsTest.corpus().stream().filter(NativeDecoderTest::jpegOrPng).toList();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void theCorpusDecodesAlikeOnBothPaths(Path file) throws Exception {
    String name = file.getFileName().toString();
    assertThat(nativeFlavour(file)).as("taken by the native decoder").isEqualTo(!IMAGEIO_ONLY.contains(name));
    assertSamePixels(file);
  }

  @Test
  void realScansDecodeAlikeOnBothPaths() throws Exception {
    Path data = SharedData.dir();
    List<Path> files = new ArrayList<>();
    files.addAll(list(data.resolve("omnidocbench-demo/images"), Integer.MAX_VALUE)); // baseline and progressive
    files.addAll(list(data.resolve("pubtabnet/images"), Integer.MAX_VALUE)); // RGB PNG
    files.addAll(list(data.resolve("tesseract-testing"), Integer.MAX_VALUE)); // bilevel PNG
    files.addAll(list(data.resolve("ocrmypdf-resources"), Integer.MAX_VALUE)); // large bilevel PNG
    files.addAll(list(data.resolve("im2latex-sample/images"), 20)); // palette PNG with tRNS and gAMA
    assertThat(files).hasSizeGreaterThan(40);
    for (Path file : files) {
      assertThat(nativeFlavour(file)).as(file + " taken by the native decoder").isTrue();
      assertSamePixels(file);
    }
  }

  /** Both paths through {@link PageReader}; when the native decoder is here, it must have decoded the page itself. */
  private static void assertSamePixels(Path file) throws Exception {
    Configuration conf = new Configuration();
    PageRef ref = new PageRef(file.toUri().toString(), 1, "unknown", null, null);
    DecodedPage viaNative;
    DecodedPage viaImageIo;
    try (PageReader nativeReader = new PageReader(conf, PageOptions.defaults(), false, true);
        PageReader imageIoReader = new PageReader(conf, PageOptions.defaults(), false, false)) {
      viaNative = nativeReader.read(ref);
      viaImageIo = imageIoReader.read(ref);
    }
    assertThat(PillowPixelsTest.rgb(viaNative.image())).as(file + ": native vs ImageIO RGB")
        .isEqualTo(PillowPixelsTest.rgb(viaImageIo.image()));
    assertThat(viaNative.contentSha256()).isEqualTo(viaImageIo.contentSha256());
    if (NativeDecoder.available() && nativeFlavour(file)) {
      BufferedImage direct = NativeDecoder.decode(file.toFile(), viaImageIo.width(), viaImageIo.height());
      assertThat(direct).as(file + " decoded by OpenCV, not handed back to ImageIO").isNotNull();
      assertThat(PillowPixelsTest.rgb(direct)).isEqualTo(PillowPixelsTest.rgb(viaImageIo.image()));
    }
  }

  private static boolean nativeFlavour(Path file) throws IOException {
    if (name(file).endsWith(".png")) {
      return NativeDecoder.pngIsPillows(file.toFile());
    }
    JpegRgb.Frame frame = JpegRgb.frame(file.toFile());
    return frame != null && frame.libjpegRgbIsPillows();
  }

  private static boolean jpegOrPng(Path file) {
    return name(file).matches(".*\\.(jpe?g|png)");
  }

  private static String name(Path file) {
    return file.getFileName().toString().toLowerCase(Locale.ROOT);
  }

  private static List<Path> list(Path dir, int limit) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(NativeDecoderTest::jpegOrPng).sorted().limit(limit).toList();
    }
  }
}
