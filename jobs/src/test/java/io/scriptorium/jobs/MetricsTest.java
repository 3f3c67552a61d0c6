package io.scriptorium.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.scriptorium.pipeline.TestPages;
import io.scriptorium.testing.SparkTest;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scriptorium's metrics through Spark's PrometheusServlet: a local run in a child JVM ({@link MetricsScrapeMain}:
 * this JVM's SparkSession has no UI, and a JVM holds one SparkContext) digitizes three pages, then a real HTTP request
 * to its driver UI reads {@code /metrics/prometheus}. In local mode the executor is the driver JVM, so both sources
 * are in that one registry. Checks the values after the run, the one prefix, and that the README documents exactly
 * the names served.
 */
@SparkTest
class MetricsTest {
  private static final int PAGES = 3;
  /** {@code metrics_<namespace>_<executor id>_scriptorium_<source>_<name>_Value{type="gauges"} <value>}. */
  private static final Pattern GAUGE =
      Pattern.compile("metrics_\\w+?_(scriptorium_(?:executor|driver)_[a-z0-9_]+)_Value\\{type=\"gauges\"\\} (\\S+)");
  private static final Pattern DOCUMENTED = Pattern.compile("^\\| `(scriptorium\\.(?:executor|driver)\\.[a-z0-9_]+)` \\|");

  @Test
  void aLocalDigitizeServesEveryMetricThroughThePrometheusServlet(@TempDir Path dir) throws Exception {
    Path input = dir.resolve("pages");
    for (int i = 1; i <= PAGES; i++) {
      TestPages.write(input, "folio-" + i + ".png", "Metrics folio " + i);
    }
    Path scrape = dir.resolve("scrape.txt");
    Path log = dir.resolve("child.log");
    List<String> command = new ArrayList<>();
    command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    // the same JVM flags as this one: Spark's --add-opens, DJL's thread settings
    command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(arg -> !arg.startsWith("-agentlib") && !arg.startsWith("-javaagent")).toList());
    command.addAll(List.of("-Djava.io.tmpdir=" + Files.createDirectories(dir.resolve("tmp")),
        "-cp", System.getProperty("java.class.path"), MetricsScrapeMain.class.getName(),
        input.toUri().toString(), dir.resolve("warehouse").toUri().toString(), scrape.toString()));
    Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    boolean exited = child.waitFor(10, TimeUnit.MINUTES);
    if (!exited) {
      child.destroyForcibly();
    }
    assertThat(exited && child.exitValue() == 0)
        .as("child JVM exited 0; its log:\n%s", tail(log)).isTrue();

    String body = Files.readString(scrape, StandardCharsets.UTF_8);
    Map<String, Double> values = new TreeMap<>();
    for (String line : body.split("\n")) {
      // Spark's own metrics name our classes too (the listener bus times ChunkInference's listener): not ours
      if (!line.toLowerCase(Locale.ROOT).contains("scriptorium") || line.contains("_io_scriptorium_")) {
        continue;
      }
      if (line.contains("_Number{")) { // the servlet prints every gauge twice, as Number and as Value
        continue;
      }
      Matcher m = GAUGE.matcher(line);
      assertThat(m.matches()).as("a Scriptorium metric under the one prefix: %s", line).isTrue();
      values.put(m.group(1), Double.parseDouble(m.group(2)));
    }
    System.out.println(body.lines().filter(l -> l.contains("_scriptorium_") && l.contains("_Value{"))
        .reduce("Scriptorium lines of the scrape:", (a, b) -> a + "\n" + b));

    assertThat(values.get("scriptorium_executor_generated_tokens_total")).isPositive();
    assertThat(values.get("scriptorium_executor_decode_steps_total")).isPositive();
    assertThat(values.get("scriptorium_executor_prefill_tokens_total")).isPositive();
    assertThat(values.get("scriptorium_executor_vision_encodes_total")).isEqualTo(PAGES);
    assertThat(values.get("scriptorium_executor_vision_encode_seconds_total")).isPositive();
    assertThat(values.get("scriptorium_executor_queue_waits_total")).isEqualTo(PAGES);
    assertThat(values.get("scriptorium_executor_model_loads_total")).isEqualTo(1);
    assertThat(values.get("scriptorium_executor_batch_slots")).isPositive();
    assertThat(values.get("scriptorium_executor_kv_cache_capacity_tokens")).isPositive();
    assertThat(values.get("scriptorium_executor_pages_in_flight")).as("all done").isZero();
    assertThat(values.get("scriptorium_executor_finished_stop_total")
        + values.get("scriptorium_executor_finished_length_total")
        + values.get("scriptorium_executor_finished_repetition_total")).as("one spotting output a page")
        .isEqualTo(PAGES);
    assertThat(values.get("scriptorium_driver_pages_done_total")).isEqualTo(PAGES);
    assertThat(values.get("scriptorium_driver_pages_failed_total")).isZero();
    assertThat(values.get("scriptorium_driver_pages_skipped_total")).as("the second run skips them all")
        .isEqualTo(PAGES);
    assertThat(values.get("scriptorium_driver_chunks_committed_total")).isPositive();
    assertThat(values.get("scriptorium_driver_chunk_commit_seconds_total")).isPositive();
    assertThat(values.get("scriptorium_driver_chunk_commit_seconds_last")).isPositive();

    Set<String> documented = new TreeSet<>();
    Path readme = Paths.get(System.getProperty("scriptorium.repo.dir", "..")).resolve("README.md");
    for (String line : Files.readAllLines(readme, StandardCharsets.UTF_8)) {
      Matcher m = DOCUMENTED.matcher(line);
      if (m.find()) {
        documented.add(m.group(1).replace('.', '_'));
      }
    }
    assertThat(values.keySet()).as("the README's metrics table lists exactly the metrics served")
        .containsExactlyInAnyOrderElementsOf(documented);
  }

  private static String tail(Path log) throws Exception {
    if (!Files.exists(log)) {
      return "(no log)";
    }
    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
  }
}
