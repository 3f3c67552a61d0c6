package io.scriptorium.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.scriptorium.testing.SparkTest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Smoke test of {@code bench}: it runs and writes valid JSON. The quick preprocessing group (no Spark) and the quick
 * RSS group (a child JVM with local Spark, about 20 s); the figures' values are never checked, only that they were
 * measured: benchmarks are not pass/fail.
 */
@SparkTest
class BenchCommandTest {
  @Test
  void quickBenchWritesFiguresAsJson(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("out/bench.json");
    int exit = BenchCommand.run("--quick", "--only", "preprocess,rss", "--out", out.toString(), "--work",
        dir.resolve("work").toString());
    assertThat(exit).isZero();
    JsonObject root = JsonParser.parseString(Files.readString(out, StandardCharsets.UTF_8)).getAsJsonObject();
    List<String> names = new ArrayList<>();
    List<String> measured = new ArrayList<>();
    for (JsonElement e : root.getAsJsonArray("figures")) {
      JsonObject f = e.getAsJsonObject();
      assertThat(f.keySet()).containsExactlyInAnyOrder("name", "value", "unit", "note");
      assertThat(f.get("value").isJsonNull() || f.get("value").getAsJsonPrimitive().isNumber()).isTrue();
      assertThat(f.get("note").getAsString()).isNotBlank();
      names.add(f.get("name").getAsString());
      if (!f.get("value").isJsonNull()) {
        measured.add(f.get("name").getAsString());
      }
    }
    assertThat(names).contains("host_cores", "host_load_avg_1m_start", "host_load_avg_1m_end",
        "preprocess_vs_pillow_ratio", "rss_growth_mb_quick");
    assertThat(measured).contains("preprocess_pages_per_s_java", "rss_growth_mb_quick");
  }

  @Test
  void unknownGroupIsAUsageError(@TempDir Path dir) {
    Path out = dir.resolve("b.json");
    PrintStream stderr = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit;
    try {
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      exit = BenchCommand.run("--only", "nonsense", "--out", out.toString());
    } finally {
      System.setErr(stderr);
    }
    assertThat(exit).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8).strip()).doesNotContain("\n")
        .startsWith("scriptorium bench: Unknown benchmark group 'nonsense'");
    assertThat(out).doesNotExist();
  }
}
