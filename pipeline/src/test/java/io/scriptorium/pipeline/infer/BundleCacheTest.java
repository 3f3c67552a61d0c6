package io.scriptorium.pipeline.infer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scriptorium.model.BundleException;
import io.scriptorium.model.ModelInfo;
import io.scriptorium.model.OcrRuntime;
import io.scriptorium.model.RuntimeConfig;
import io.scriptorium.model.Task;
import io.scriptorium.model.TaskSpec;
import io.scriptorium.model.VerifiedBundles;
import io.scriptorium.pipeline.TinyBundleFiles;
import io.scriptorium.testing.UnitTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bundles given as Hadoop-FS URIs are fetched once into a cache keyed by their manifest's sha256, safely. */
@UnitTest
public class BundleCacheTest {
  private static final Configuration CONF = new Configuration(false);

  @TempDir Path tmp;

  @Test
  void builtinAndPlainLocalPathsPassThrough() {
    String cache = tmp.resolve("cache").toString();
    assertThat(BundleCache.localize("builtin:tiny", CONF, cache)).isEqualTo("builtin:tiny");
    assertThat(BundleCache.localize("/models/hunyuan", CONF, cache)).isEqualTo("/models/hunyuan");
    assertThat(BundleCache.localize("models/hunyuan", CONF, cache)).isEqualTo("models/hunyuan");
    assertThat(BundleCache.isRemote("s3a://bucket/models/tiny")).isTrue();
    assertThat(BundleCache.isRemote("hdfs://nn:8020/models/tiny")).isTrue();
    assertThat(BundleCache.isRemote("file:/models/tiny")).isTrue();
    assertThat(tmp.resolve("cache")).doesNotExist();
  }

  @Test
  void aUriBundleIsFetchedOnceIntoADirectoryNamedByItsManifestHash() throws Exception {
    Path remote = TinyBundleFiles.writeTo(tmp.resolve("remote/tiny"));
    Path cache = tmp.resolve("cache");
    String sha = sha256(Files.readAllBytes(remote.resolve("manifest.json")));

    String local = BundleCache.localize(remote.toUri().toString(), CONF, cache.toString());

    assertThat(Path.of(local)).isEqualTo(cache.resolve(sha));
    for (String name : TinyBundleFiles.NAMES) {
      assertThat(Path.of(local, name)).hasSameBinaryContentAs(remote.resolve(name));
    }
    // the runtime's own verification (format, every checksum) accepts the copy
    ModelInfo info = OcrRuntime.describe(RuntimeConfig.defaults().withBundle(local));
    assertThat(info.bundleSha256()).isEqualTo(sha);

    // a later job on the node reuses the copy: the remote model file is not read again
    Files.delete(remote.resolve("model.pt"));
    assertThat(BundleCache.localize(remote.toUri().toString(), CONF, cache.toString())).isEqualTo(local);
    assertThat(entries(cache)).containsExactly(sha);
  }

  /**
   * The fetch hashes each file once while downloading it; loading the cached copy (the driver's describe and prompts,
   * an executor's runtime, every later job on the node) hashes nothing unless a file changed, and a damaged file is
   * still refused.
   */
  @Test
  void aFetchedBundleIsNotHashedAgainUntilAFileChanges() throws Exception {
    Path remote = TinyBundleFiles.writeTo(tmp.resolve("remote/once"));
    Path cache = tmp.resolve("cache");
    String local = BundleCache.localize(remote.toUri().toString(), CONF, cache.toString());
    RuntimeConfig config = RuntimeConfig.defaults().withBundle(local);

    long hashed = VerifiedBundles.filesHashed();
    OcrRuntime.describe(config);
    OcrRuntime.prompts(config, List.of(TaskSpec.of(Task.SPOTTING)));
    assertThat(BundleCache.localize(remote.toUri().toString(), CONF, cache.toString())).isEqualTo(local);
    OcrRuntime.describe(config);
    assertThat(VerifiedBundles.filesHashed()).as("no file hashed after the fetch").isEqualTo(hashed);

    Path model = Path.of(local, "model.pt");
    byte[] bytes = Files.readAllBytes(model);
    bytes[bytes.length / 2] ^= 1;
    Path damaged = Files.write(Path.of(local, "model.pt.damaged"), bytes);
    Files.setLastModifiedTime(damaged, Files.getLastModifiedTime(model)); // same size, same time: another file
    Files.move(damaged, model, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    assertThatThrownBy(() -> OcrRuntime.describe(config))
        .isInstanceOf(BundleException.class)
        .hasMessageContaining("model.pt")
        .hasMessageContaining("fails its sha256 check");
  }

  @Test
  void aDamagedRemoteFileFailsNamingTheBundleAndLeavesNothingInTheCache() throws Exception {
    Path remote = TinyBundleFiles.writeTo(tmp.resolve("remote/damaged"));
    byte[] model = Files.readAllBytes(remote.resolve("model.pt"));
    model[model.length / 2] ^= 1;
    Files.write(remote.resolve("model.pt"), model);
    Path cache = tmp.resolve("cache");
    String uri = remote.toUri().toString();

    assertThatThrownBy(() -> BundleCache.localize(uri, CONF, cache.toString()))
        .isInstanceOf(BundleException.class)
        .hasMessageContaining(uri)
        .hasMessageContaining("model.pt fails its sha256 check");
    assertThat(entries(cache)).isEmpty();
  }

  @Test
  void aMissingBundleFailsNamingTheUri() {
    String uri = tmp.resolve("nowhere").toUri().toString();
    assertThatThrownBy(() -> BundleCache.localize(uri, CONF, tmp.resolve("cache").toString()))
        .isInstanceOf(BundleException.class)
        .hasMessageContaining(uri)
        .hasMessageContaining("manifest.json");
  }

  @Test
  void aManifestListingAPathOutsideTheBundleIsRefused() throws Exception {
    Path remote = TinyBundleFiles.writeTo(tmp.resolve("remote/evil"));
    String manifest = Files.readString(remote.resolve("manifest.json"))
        .replace("\"model.pt\"", "\"../model.pt\"");
    Files.writeString(remote.resolve("manifest.json"), manifest);
    assertThatThrownBy(() -> BundleCache.localize(remote.toUri().toString(), CONF, tmp.resolve("cache").toString()))
        .isInstanceOf(BundleException.class)
        .hasMessageContaining("'../model.pt', which is not a plain file name");
  }

  @Test
  void aUriWithCredentialsIsRefusedWithoutShowingThem() {
    assertThatThrownBy(() -> BundleCache.localize("s3a://AKIDEXAMPLE:wJalrXUtnFEMI@models/tiny", CONF, tmp.toString()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("s3a://***@models/tiny")
        .hasMessageNotContaining("wJalrXUtnFEMI");
  }

  /**
   * Eight fetchers race for one bundle: four threads per spelling of the cache root (the directory and a symlink to
   * it), so the two groups do not share the in-JVM lock and race on the rename the way two executor JVMs do. Every
   * fetcher gets the same complete directory and no temp directory is left.
   */
  @Test
  void concurrentFetchersOfOneBundleShareOneCompleteCopy() throws Exception {
    Path remote = TinyBundleFiles.writeTo(tmp.resolve("remote/raced"));
    Path cache = Files.createDirectories(tmp.resolve("cache"));
    Path alias = Files.createSymbolicLink(tmp.resolve("cache-alias"), cache);
    String uri = remote.toUri().toString();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    CountDownLatch go = new CountDownLatch(1);
    try {
      List<Future<String>> results = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        String root = (i % 2 == 0 ? cache : alias).toString();
        Callable<String> fetch = () -> {
          go.await();
          return BundleCache.localize(uri, CONF, root);
        };
        results.add(pool.submit(fetch));
      }
      go.countDown();
      Set<String> names = new java.util.HashSet<>();
      for (Future<String> result : results) {
        names.add(Path.of(result.get()).getFileName().toString());
      }
      assertThat(names).hasSize(1);
    } finally {
      pool.shutdownNow();
    }
    String sha = sha256(Files.readAllBytes(remote.resolve("manifest.json")));
    assertThat(entries(cache)).containsExactly(sha);
    for (String name : TinyBundleFiles.NAMES) {
      assertThat(cache.resolve(sha).resolve(name)).hasSameBinaryContentAs(remote.resolve(name));
    }
  }

  private static List<String> entries(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> list = Files.list(dir)) {
      return list.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
    }
  }

  public static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
