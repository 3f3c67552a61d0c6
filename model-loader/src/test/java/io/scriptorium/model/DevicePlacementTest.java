package io.scriptorium.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.scriptorium.testing.UnitTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Without a GPU: every exported method of the tiny twin creates its tensors on its inputs' device (the exporter's
 * {@code devicecheck}: no factory op without a device in any exported graph, and every method run with the module
 * and all inputs on PyTorch's meta device).
 */
@UnitTest
class DevicePlacementTest {
  @Test
  void exportedMethodsFollowTheirInputsDevice() throws Exception {
    assumeTrue(TestBundles.exporterAvailable(), TestBundles.EXPORTER_MISSING);
    Path exporter = TestBundles.exporter();
    Path bundle = ModelBundle.open(TestBundles.tinySpec()).dir();
    Process p = new ProcessBuilder(TestBundles.PYTHON.toString(), exporter.toString(), "devicecheck", "--bundle",
        bundle.toString())
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
    System.out.println(out);
    JsonObject report = JsonParser.parseString(out.substring(out.indexOf('{'))).getAsJsonObject();
    assertThat(report.getAsJsonArray("factory_ops_without_device")).isEmpty();
    assertThat(report.getAsJsonArray("outputs_off_meta")).isEmpty();
    assertThat(report.getAsJsonArray("methods_run_on_meta").asList().stream().map(e -> e.getAsString()).toList())
        .containsExactlyInAnyOrderElementsOf(List.of("vision_encode", "prefill_embeds", "new_kv",
            "prefill_chunk", "decode", "copy_kv"));
    assertThat(p.exitValue()).isZero();
  }
}
