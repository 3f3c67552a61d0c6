package io.scriptorium.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.scriptorium.testing.PythonReference;
import io.scriptorium.testing.UnitTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the GPU device check in its CPU smoke mode ({@code bench/gpu/device-check.sh --smoke}): the exporter re-exports
 * the tiny twin, {@code device_check.py} drives it exactly as the GPU run will, and the merged result must carry every
 * measured figure with a finite value and a matching correctness leg. Keeps the GPU script runnable between the rare
 * sessions that have a GPU.
 */
@UnitTest
class DeviceCheckSmokeTest {
  private static final long TIMEOUT_S = 300;

  /** Figures the smoke run must report with finite values (peak memory is GPU-only and may be null on the CPU). */
  private static final List<String> FINITE_FIGURES = List.of(
      "hbm_bandwidth_gb_per_s",
      "vision_encode_ms_1mp", "vision_encode_ms_2mp", "vision_encode_ms_4mp",
      "prefill_tokens_per_s", "prefill_ms",
      "decode_tokens_per_s_batch_1", "decode_ms_per_step_batch_1", "decode_bw_efficiency_batch_1",
      "decode_tokens_per_s_batch_2", "decode_ms_per_step_batch_2", "decode_bw_efficiency_batch_2",
      "decode_best_batch",
      "parse_pages_per_s", "parse_pages_per_s_kv_bandwidth_limit",
      "spotting_pages_per_s", "spotting_pages_per_s_kv_bandwidth_limit",
      "correctness_greedy_match", "correctness_max_logit_diff",
      "sdpa_vs_chunked_greedy_match", "sdpa_vs_chunked_max_logit_diff");

  @TempDir Path out;

  @Test
  void smokeRunReportsEveryFigureAndMatchingGreedyTokens() throws Exception {
    Path repo = repoRoot();
    Assumptions.assumeTrue(PythonReference.available(), "NOT RUN: device-check.sh exports with Debian's torch:"
        + " apt-get install -y python3-torch python3-pil python3-numpy");

    Path log = out.resolve("console.log");
    ProcessBuilder pb = new ProcessBuilder("bash", repo.resolve("bench/gpu/device-check.sh").toString(), "--smoke")
        .directory(repo.toFile())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile());
    pb.environment().put("OUT", out.resolve("result").toString());
    pb.environment().remove("PYTORCH_LIBRARY_PATH");
    Process p = pb.start();
    if (!p.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      throw new AssertionError("device-check.sh --smoke ran past " + TIMEOUT_S + " s:\n" + tail(log));
    }
    assertThat(p.exitValue()).as("exit code of device-check.sh --smoke; output:\n%s", tail(log)).isZero();

    Path json = out.resolve("result/device-check.json");
    assertThat(json).as("merged result file").exists();
    JsonObject result = JsonParser.parseString(Files.readString(json, StandardCharsets.UTF_8)).getAsJsonObject();
    assertThat(result.get("mode").getAsString()).isEqualTo("smoke");
    assertThat(result.getAsJsonObject("machine").get("name").getAsString()).isNotBlank();

    Map<String, JsonElement> figures = new LinkedHashMap<>();
    for (JsonElement f : result.getAsJsonArray("figures")) {
      JsonObject o = f.getAsJsonObject();
      figures.put(o.get("name").getAsString(), o.get("value"));
      assertThat(o.has("unit") && o.has("note")).as("figure %s has unit and note", o.get("name")).isTrue();
    }
    assertThat(figures).as("figure names").containsKeys(FINITE_FIGURES.toArray(new String[0]));
    for (String name : FINITE_FIGURES) {
      JsonElement v = figures.get(name);
      assertThat(v != null && !v.isJsonNull()).as("%s has a value", name).isTrue();
      assertThat(Double.isFinite(v.getAsDouble())).as("%s = %s is finite", name, v).isTrue();
    }
    assertThat(figures.get("correctness_greedy_match").getAsDouble()).isEqualTo(1.0);
    assertThat(figures.get("sdpa_vs_chunked_greedy_match").getAsDouble()).isEqualTo(1.0);

    JsonObject legs = result.getAsJsonObject("legs");
    JsonObject correctness = legs.getAsJsonObject("correctness");
    assertThat(correctness.get("match").getAsBoolean()).as("correctness leg: %s", correctness).isTrue();
    assertThat(correctness.get("tokens_compared").getAsInt()).isEqualTo(64);
    for (String leg : List.of("export", "devicecheck", "python", "setup", "vision", "prefill", "decode", "derived")) {
      assertThat(legs.getAsJsonObject(leg).get("status").getAsString()).as("leg %s", leg).isIn("ok", "reused");
    }
    // optional legs are recorded with a reason, never silently dropped
    for (String leg : List.of("java", "transformers")) {
      JsonObject o = legs.getAsJsonObject(leg);
      assertThat(o).as("leg %s recorded", leg).isNotNull();
      if ("skipped".equals(o.get("status").getAsString())) {
        assertThat(o.get("why").getAsString()).as("why leg %s was skipped", leg).isNotBlank();
      }
    }
  }

  /** The repository root: holds bench/gpu/device-check.sh; the tests run in bench/. */
  private static Path repoRoot() {
    String configured = System.getProperty("scriptorium.repo.dir");
    for (Path candidate : new Path[] {
      configured == null ? null : Paths.get(configured), Paths.get(".."), Paths.get("."), Paths.get("../..")
    }) {
      if (candidate != null && Files.isRegularFile(candidate.resolve("bench/gpu/device-check.sh"))) {
        return candidate.toAbsolutePath().normalize();
      }
    }
    throw new AssertionError("bench/gpu/device-check.sh not found from " + Paths.get("").toAbsolutePath());
  }

  private static String tail(Path log) throws IOException {
    String s = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "(no output)";
    return s.length() > 6000 ? s.substring(s.length() - 6000) : s;
  }
}
