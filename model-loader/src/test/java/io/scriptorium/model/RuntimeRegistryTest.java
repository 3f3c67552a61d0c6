package io.scriptorium.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scriptorium.testing.UnitTest;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry's key and its failure path; SharedRuntimeTest loads real runtimes through it. */
@UnitTest
class RuntimeRegistryTest {
  @TempDir Path tmp;

  @Test
  void aBundleIsOneKeyHoweverItIsSpelled() {
    Path dir = tmp.resolve("bundle");
    RuntimeConfig absolute = RuntimeConfig.defaults().withBundle(dir.toString());
    RuntimeRegistry.Key key = RuntimeRegistry.Key.of(absolute);
    assertThat(RuntimeRegistry.Key.of(absolute.withBundle(dir.toUri().toString()))).isEqualTo(key);
    assertThat(RuntimeRegistry.Key.of(absolute.withBundle(dir.resolve("x").resolve("..").toString())))
        .isEqualTo(key);
    assertThat(RuntimeRegistry.Key.of(absolute.withMaxBatchSize(3))).as("not part of the key").isEqualTo(key);
    assertThat(RuntimeRegistry.Key.of(absolute.withBundle(tmp.resolve("other").toString()))).isNotEqualTo(key);
    assertThat(RuntimeRegistry.Key.of(absolute.withDtype("bf16"))).isNotEqualTo(key);
  }

  @Test
  void aLoadThatFailsIsNotRememberedSoTheNextCallTriesAgain() {
    RuntimeConfig config = RuntimeConfig.defaults().withBundle(tmp.resolve("missing").toString());
    AtomicInteger attempts = new AtomicInteger();
    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> RuntimeRegistry.get(config, c -> {
        attempts.incrementAndGet();
        throw new BundleException("no bundle at " + c.bundle());
      })).isInstanceOf(BundleException.class).hasMessageContaining("missing");
    }
    assertThat(attempts).hasValue(2);
  }
}
