package io.scriptorium.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@code model describe}: the hash to pin, the identity and the prompts of a bundle, without loading it (#16). */
class ModelCommandTest {
  @Test
  void describePrintsTheHashToPin() {
    PrintStream stdout = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int exit;
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      exit = Main.run("model", "describe", "builtin:tiny");
    } finally {
      System.setOut(stdout);
    }
    String text = out.toString(StandardCharsets.UTF_8);
    assertThat(exit).isZero();
    assertThat(text).containsPattern("sha256     ([0-9a-f]{64})   \\(pin it: --model-sha256 \\1\\)")
        .contains("model      scriptorium/hunyuan-ocr-tiny", "spotting", "parse", "manifest.json");
  }
}
