package io.scriptorium.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.scriptorium.testing.UnitTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A bundle is hashed once, and again only when a file changed; a changed file that fails its check is refused. */
@UnitTest
class VerifiedBundlesTest {
  @TempDir Path tmp;

  @Test
  void openingABundleTwiceHashesItsFilesOnce() throws Exception {
    Path dir = TestBundles.copyOfTiny(tmp.resolve("bundle"));
    int files = listed(dir);

    assertThat(hashesOf(() -> ModelBundle.open(dir.toString()))).as("first open").isEqualTo(files);
    assertThat(hashesOf(() -> ModelBundle.open(dir.toString()))).as("second open, same JVM").isZero();

    VerifiedBundles.forgetInJvm(); // as the next job's JVM on the node
    String sha = Sha256.hex(dir.resolve("manifest.json"));
    assertThat(dir.resolve(".verified-" + sha)).isRegularFile();
    assertThat(hashesOf(() -> ModelBundle.open(dir.toString()))).as("next JVM, by the marker").isZero();
  }

  @Test
  void aDriversDescribeAndPromptsAndALocalRuntimeHashTheBundleOnce() throws Exception {
    Path dir = TestBundles.copyOfTiny(tmp.resolve("bundle"));
    RuntimeConfig config = RuntimeConfig.defaults().withBundle(dir.toString());
    long before = VerifiedBundles.filesHashed();
    OcrRuntime.describe(config);
    OcrRuntime.prompts(config, List.of(TaskSpec.of(Task.SPOTTING)));
    try (OcrRuntime runtime = OcrRuntime.open(config)) {
      assertThat(runtime.model().bundleSha256()).isEqualTo(Sha256.hex(dir.resolve("manifest.json")));
    }
    assertThat(VerifiedBundles.filesHashed() - before).isEqualTo(listed(dir));
  }

  @Test
  void aTouchedFileIsHashedAgainAndOnlyThatOne() throws Exception {
    Path dir = TestBundles.copyOfTiny(tmp.resolve("bundle"));
    ModelBundle.open(dir.toString());
    Path tokenizer = dir.resolve("tokenizer.json");
    Files.setLastModifiedTime(tokenizer, FileTime.fromMillis(Files.getLastModifiedTime(tokenizer).toMillis() + 60_000));

    assertThat(hashesOf(() -> ModelBundle.open(dir.toString()))).isEqualTo(1);
    assertThat(hashesOf(() -> ModelBundle.open(dir.toString()))).as("verified again, remembered again").isZero();
  }

  @Test
  void aCorruptedFileIsRefusedEvenWithItsSizeAndModificationTimeRestored() throws Exception {
    Path dir = TestBundles.copyOfTiny(tmp.resolve("bundle"));
    ModelBundle.open(dir.toString());
    Path model = dir.resolve("model.pt");
    FileTime modified = Files.getLastModifiedTime(model);
    assumeTrue(VerifiedBundles.stamp(model).changed() != null, "needs a file system that reports ctime");
    Thread.sleep(50); // past the kernel's coarse timestamp tick, so the write's ctime differs from the verified one

    byte[] bytes = Files.readAllBytes(model);
    bytes[bytes.length / 2] ^= 0x01;
    Files.write(model, bytes);
    Files.setLastModifiedTime(model, modified);

    for (int attempt = 0; attempt < 2; attempt++) { // refused, and not remembered as verified
      assertThatThrownBy(() -> ModelBundle.open(dir.toString()))
          .isInstanceOf(BundleException.class)
          .hasMessageContaining("bundle file model.pt in " + dir + " fails its sha256 check");
    }
    VerifiedBundles.forgetInJvm();
    assertThatThrownBy(() -> ModelBundle.open(dir.toString())).hasMessageContaining("fails its sha256 check");
  }

  @Test
  void aFileReplacedByACopyWithTheSameSizeAndTimeIsHashedAgain() throws Exception {
    Path dir = TestBundles.copyOfTiny(tmp.resolve("bundle"));
    ModelBundle.open(dir.toString());
    Path model = dir.resolve("model.pt");
    byte[] bytes = Files.readAllBytes(model);
    bytes[bytes.length / 3] ^= 0x01;
    Path replacement = Files.write(dir.resolve("model.pt.new"), bytes);
    Files.setLastModifiedTime(replacement, Files.getLastModifiedTime(model));
    Files.move(replacement, model, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);

    assertThatThrownBy(() -> ModelBundle.open(dir.toString()))
        .isInstanceOf(BundleException.class)
        .hasMessageContaining("model.pt")
        .hasMessageContaining("fails its sha256 check");
  }

  @Test
  void aBundleWhoseMarkerCannotBeWrittenIsVerifiedOncePerJvm() throws Exception {
    Path dir = TestBundles.copyOfTiny(tmp.resolve("bundle"));
    // A directory where the marker goes makes writing it fail, as a read-only bundle directory would (even as root).
    Files.createDirectories(dir.resolve(".verified-" + Sha256.hex(dir.resolve("manifest.json"))).resolve("occupied"));
    int files = listed(dir);

    assertThat(hashesOf(() -> ModelBundle.open(dir.toString()))).isEqualTo(files);
    assertThat(hashesOf(() -> ModelBundle.open(dir.toString()))).as("remembered in this JVM").isZero();
    VerifiedBundles.forgetInJvm();
    assertThat(hashesOf(() -> ModelBundle.open(dir.toString()))).as("nothing on disk to trust").isEqualTo(files);
  }

  @Test
  void anUnreadableMarkerIsIgnoredAndRewritten() throws Exception {
    Path dir = TestBundles.copyOfTiny(tmp.resolve("bundle"));
    ModelBundle.open(dir.toString());
    Path marker = dir.resolve(".verified-" + Sha256.hex(dir.resolve("manifest.json")));
    Files.writeString(marker, "{ not json");
    VerifiedBundles.forgetInJvm();

    assertThat(hashesOf(() -> ModelBundle.open(dir.toString()))).isEqualTo(listed(dir));
    VerifiedBundles.forgetInJvm();
    assertThat(hashesOf(() -> ModelBundle.open(dir.toString()))).isZero();
  }

  @Test
  void aFetchersRecordIsTrustedOnlyWhenItsHashesMatchTheManifest() throws Exception {
    Path fetched = TestBundles.copyOfTiny(tmp.resolve("fetched"));
    Map<String, String> hashes = Manifest.parse(Files.readAllBytes(fetched.resolve("manifest.json"))).files();
    VerifiedBundles.recordFetched(fetched, hashes);
    assertThat(hashesOf(() -> ModelBundle.open(fetched.toString()))).isZero();

    Path wrong = TestBundles.copyOfTiny(tmp.resolve("wrong"));
    Map<String, String> claimed = new java.util.HashMap<>(hashes);
    claimed.put("model.pt", "0".repeat(64));
    VerifiedBundles.recordFetched(wrong, claimed);
    assertThat(hashesOf(() -> ModelBundle.open(wrong.toString()))).isEqualTo(listed(wrong));
  }

  private static long hashesOf(Runnable open) {
    long before = VerifiedBundles.filesHashed();
    open.run();
    return VerifiedBundles.filesHashed() - before;
  }

  private static int listed(Path dir) throws Exception {
    return Manifest.parse(Files.readAllBytes(dir.resolve("manifest.json"))).files().size();
  }
}
