package io.scriptorium.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scriptorium.testing.UnitTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@UnitTest
class ModelBundleTest {
  @TempDir Path tmp;

  @Test
  void tamperedModelIsRefusedBeforeLoading() throws Exception {
    Path dir = TestBundles.copyOfTiny(tmp.resolve("bundle"));
    Path model = dir.resolve("model.pt");
    String expected = Sha256.hex(model);
    byte[] bytes = Files.readAllBytes(model);
    bytes[bytes.length / 2] ^= 0x01;
    Files.write(model, bytes);
    String actual = Sha256.hex(model);
    int loads = OcrRuntime.loadCount();

    assertThatThrownBy(() -> OcrRuntime.open(RuntimeConfig.defaults().withBundle(dir.toString())))
        .isInstanceOf(BundleException.class)
        .hasMessageContaining("bundle file model.pt in " + dir)
        .hasMessageContaining("expected " + expected)
        .hasMessageContaining("actual " + actual);
    assertThat(OcrRuntime.loadCount()).as("nothing was loaded").isEqualTo(loads);
  }

  @Test
  void unknownFormatVersionIsRefused() throws Exception {
    Path dir = TestBundles.copyOfTiny(tmp.resolve("bundle"));
    rewriteManifest(dir, "\"format_version\": 2", "\"format_version\": 3");
    assertThatThrownBy(() -> ModelBundle.open(dir.toString()))
        .isInstanceOf(BundleException.class)
        .hasMessageContaining("format_version 3 but this runtime reads only format_version 2");
  }

  @Test
  void missingAndEscapingFilesAreRefused() throws Exception {
    Path dir = TestBundles.copyOfTiny(tmp.resolve("bundle"));
    Files.delete(dir.resolve("tokenizer.json"));
    assertThatThrownBy(() -> ModelBundle.open(dir.toUri().toString()))
        .isInstanceOf(BundleException.class)
        .hasMessageContaining("bundle file tokenizer.json is missing from " + dir);

    Path other = TestBundles.copyOfTiny(tmp.resolve("other"));
    rewriteManifest(other, "\"tokenizer.json\":", "\"../tokenizer.json\": \"00\", \"tokenizer.json\":");
    assertThatThrownBy(() -> ModelBundle.open(other.toString()))
        .isInstanceOf(BundleException.class)
        .hasMessageContaining("'../tokenizer.json', which is not a plain file name");
  }

  @Test
  void remoteAndMissingLocationsAreRefused() {
    assertThatThrownBy(() -> ModelBundle.open("s3://bucket/bundle"))
        .isInstanceOf(BundleException.class)
        .hasMessageContaining("is not local");
    assertThatThrownBy(() -> ModelBundle.open(tmp.resolve("nope").toString()))
        .isInstanceOf(BundleException.class)
        .hasMessageContaining("does not exist");
  }

  @Test
  void dtypeMustMatchTheExport() {
    assertThatThrownBy(() -> OcrRuntime.open(TestBundles.tinyConfig().withDtype("fp16")))
        .isInstanceOf(BundleException.class)
        .hasMessageContaining("was exported in float32 but dtype float16 was requested");
  }

  @Test
  void bundleHashIsTheManifestHash() throws Exception {
    ModelBundle bundle = ModelBundle.open(TestBundles.tinySpec());
    assertThat(bundle.sha256()).isEqualTo(Sha256.hex(bundle.dir().resolve("manifest.json")));
  }

  @Test
  void builtinExtractionIsAtomicUnderConcurrency() throws Exception {
    Path root = tmp.resolve("cache");
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      List<Callable<Path>> calls = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        calls.add(() -> ModelBundle.materializeBuiltin(root));
      }
      List<Path> dirs = new ArrayList<>();
      for (Future<Path> f : pool.invokeAll(calls)) {
        dirs.add(f.get());
      }
      assertThat(dirs).allMatch(d -> d.equals(dirs.get(0)));
      assertThat(ModelBundle.verify(dirs.get(0)).sha256()).isEqualTo(dirs.get(0).getFileName().toString());
      try (var entries = Files.list(root)) {
        assertThat(entries.map(p -> p.getFileName().toString())).containsExactly(dirs.get(0).getFileName().toString());
      }
    } finally {
      pool.shutdown();
    }
  }

  private static void rewriteManifest(Path dir, String from, String to) throws Exception {
    Path manifest = dir.resolve("manifest.json");
    String text = Files.readString(manifest, StandardCharsets.UTF_8);
    assertThat(text).contains(from);
    Files.writeString(manifest, text.replace(from, to), StandardCharsets.UTF_8);
  }
}
