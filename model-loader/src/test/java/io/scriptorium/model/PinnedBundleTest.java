package io.scriptorium.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scriptorium.testing.UnitTest;
import org.junit.jupiter.api.Test;

/** A pinned config accepts only the bundle whose manifest has the pinned sha256, and refuses before loading (#16). */
@UnitTest
class PinnedBundleTest {
  @Test
  void anotherBundleIsRefusedBeforeAnythingIsLoaded() {
    RuntimeConfig config = TestBundles.tinyConfig();
    String actual = OcrRuntime.describe(config).bundleSha256();
    String other = "0".repeat(64);
    int loads = OcrRuntime.loadCount();
    for (Runnable use : new Runnable[] {
        () -> OcrRuntime.describe(config.withPinnedSha256(other)),
        () -> OcrRuntime.shared(config.withPinnedSha256(other).withMaxBatchSize(3)),
        () -> OcrRuntime.open(config.withPinnedSha256(other)).close()}) {
      assertThatThrownBy(use::run).isInstanceOf(BundleException.class)
          .hasMessageContaining(actual).hasMessageContaining(other).hasMessageContaining("refusing");
    }
    assertThat(OcrRuntime.loadCount()).as("no TorchScript was loaded").isEqualTo(loads);
    assertThat(OcrRuntime.describe(config.withPinnedSha256(actual.toUpperCase())).bundleSha256()).isEqualTo(actual);
    assertThatThrownBy(() -> config.withPinnedSha256("abc")).isInstanceOf(IllegalArgumentException.class);
  }
}
