package io.scriptorium.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.scriptorium.testing.UnitTest;
import org.junit.jupiter.api.Test;

/** {@code model describe}: the hash to pin, the identity and the prompts of a bundle, without loading it (#16). */
@UnitTest
class ModelCommandTest {
  @Test
  void describePrintsTheHashToPin() {
    CliRun run = CliRun.run("model", "describe", "builtin:tiny");
    assertThat(run.exit()).isZero();
    assertThat(run.out()).containsPattern("sha256     ([0-9a-f]{64})   \\(pin it: --model-sha256 \\1\\)")
        .contains("model      scriptorium/hunyuan-ocr-tiny", "spotting", "parse", "manifest.json");
  }
}
