package io.scriptorium.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scriptorium.testing.UnitTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.spark.sql.internal.SQLConf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every {@code spark.scriptorium.*} setting: unset it reads its default, its documented default reads the same, a
 * valid value takes effect, bad values are refused; and the README's configuration table is exactly
 * {@link ScriptoriumConf#defaults()}. A session's conf without a session: no Spark is started.
 */
@UnitTest
class ScriptoriumConfTest {
  /** 4294967304 is 8 once cast to an int: ints stop at Integer.MAX_VALUE. */
  private static final List<String> NOT_A_POSITIVE_INT =
      List.of("0", "-1", "eight", "1.5", "", "3000000000", "4294967304");
  private static final List<String> NOT_A_POSITIVE_LONG = List.of("0", "-1", "eight", "1.5", "", "9223372036854775808");
  private static final List<String> NOT_A_BOOLEAN = List.of("yes", "1", "", "on");
  private static final String TMP = System.getProperty("java.io.tmpdir");

  /** How a setting is read, what it reads when unset, a valid value and what it reads as, and refused values. */
  record Setting(String key, Function<ScriptoriumConf, Object> read, Object unset, String valid, Object validRead,
      List<String> refused) {
    @Override
    public String toString() {
      return key;
    }
  }

  static List<Setting> settings() {
    String sha = "AB".repeat(32);
    return List.of(
        new Setting(ScriptoriumConf.MODEL, c -> c.runtimeConfig(null).bundle(), "builtin:tiny",
            "s3a://bundles/tiny", "s3a://bundles/tiny", List.of("", "  ")),
        new Setting(ScriptoriumConf.MODEL_CACHE_DIR, ScriptoriumConf::modelCacheDir, TMP + "/scriptorium-bundles",
            "${java.io.tmpdir}/cache", TMP + "/cache", List.of("", "  ")),
        new Setting(ScriptoriumConf.MODEL_SHA256, c -> c.runtimeConfig(null).pinnedSha256(), null,
            sha, sha.toLowerCase(java.util.Locale.ROOT), List.of("abc", "z".repeat(64))),
        new Setting(ScriptoriumConf.DEVICE, c -> c.runtimeConfig(null).device(), "cpu", "GPU:1", "gpu:1",
            List.of("tpu", "gpu:x", "")),
        // a language the bundle has no prompts for is refused when the prompts are rendered (PromptRenderer)
        new Setting(ScriptoriumConf.PROMPT_LANGUAGE, c -> c.runtimeConfig(null).promptLanguage(), null, "en", "en",
            List.of()),
        new Setting(ScriptoriumConf.STOP_REPETITION, c -> c.runtimeConfig(null).stopRepetition(), false, "TRUE", true,
            NOT_A_BOOLEAN),
        new Setting(ScriptoriumConf.MAX_BATCH_SIZE, c -> c.runtimeConfig(null).maxBatchSize(), 8, " 16 ", 16,
            NOT_A_POSITIVE_INT),
        new Setting(ScriptoriumConf.MAX_KV_TOKENS, c -> c.runtimeConfig(null).maxKvTokens(), 65536, "4096", 4096,
            NOT_A_POSITIVE_INT),
        new Setting(ScriptoriumConf.PREFILL_CHUNK_TOKENS, c -> c.runtimeConfig(null).prefillChunkTokens(), 512, "128",
            128, NOT_A_POSITIVE_INT),
        new Setting(ScriptoriumConf.INTRA_OP_THREADS, c -> c.runtimeConfig(null).intraOpThreads(), 1, "2", 2,
            NOT_A_POSITIVE_INT),
        new Setting(ScriptoriumConf.PAGES_IN_FLIGHT, ScriptoriumConf::pagesInFlight, 4, "2", 2, NOT_A_POSITIVE_INT),
        new Setting(ScriptoriumConf.PAGES_PER_PARTITION, ScriptoriumConf::pagesPerPartition, 32, "64", 64,
            NOT_A_POSITIVE_INT),
        new Setting(ScriptoriumConf.INFERENCE_GPUS_PER_TASK, ScriptoriumConf::inferenceGpusPerTask, 0.0, "0.25",
            0.25, List.of("-1", "0.75", "1.5", "quarter", "", "NaN")),
        new Setting(ScriptoriumConf.PDF_DPI, c -> c.pageOptions().pdfDpi(), 200, "300", 300,
            concat(NOT_A_POSITIVE_INT, "2401")),
        new Setting(ScriptoriumConf.MAX_DECLARED_PIXELS, c -> c.pageOptions().maxDeclaredPixels(), 178_956_970L,
            "3000000000", 3_000_000_000L, NOT_A_POSITIVE_LONG),
        new Setting(ScriptoriumConf.CHUNK_PAGES, ScriptoriumConf::chunkPages, 500, "100", 100, NOT_A_POSITIVE_INT),
        new Setting(ScriptoriumConf.COMMIT_CHUNKS_IN_FLIGHT, ScriptoriumConf::commitChunksInFlight, 1, "0", 0,
            List.of("-1", "one", "", "3000000000")),
        new Setting(ScriptoriumConf.MAX_ATTEMPTS, ScriptoriumConf::maxAttempts, 3, "5", 5, NOT_A_POSITIVE_INT),
        new Setting(ScriptoriumConf.RUN_STALE_MINUTES, ScriptoriumConf::runStaleMinutes, 60, "5", 5,
            NOT_A_POSITIVE_INT),
        new Setting(ScriptoriumConf.RUN_HEARTBEAT_SECONDS, ScriptoriumConf::runHeartbeatSeconds, 60, "10", 10,
            NOT_A_POSITIVE_INT),
        new Setting(ScriptoriumConf.RUN_WAIT_POLL_SECONDS, ScriptoriumConf::runWaitPollSeconds, 30, "1", 1,
            NOT_A_POSITIVE_INT),
        new Setting(ScriptoriumConf.PLAN_VERIFY_CONTENT, ScriptoriumConf::planVerifyContent, false, "true", true,
            NOT_A_BOOLEAN),
        new Setting(ScriptoriumConf.PAGE_READ_TIMEOUT_SECONDS, ScriptoriumConf::pageReadTimeout,
            Duration.ofSeconds(600), "30", Duration.ofSeconds(30), NOT_A_POSITIVE_LONG),
        new Setting(ScriptoriumConf.PAGE_INFERENCE_TIMEOUT_SECONDS, ScriptoriumConf::pageInferenceTimeout,
            Duration.ofSeconds(3600), "7200", Duration.ofSeconds(7200), NOT_A_POSITIVE_LONG),
        new Setting(ScriptoriumConf.PROGRESS_INTERVAL_SECONDS, ScriptoriumConf::progressIntervalSeconds, 30, "5", 5,
            NOT_A_POSITIVE_INT));
  }

  private static List<String> concat(List<String> values, String more) {
    List<String> all = new ArrayList<>(values);
    all.add(more);
    return all;
  }

  /** A session's runtime conf holding only these settings. */
  private static ScriptoriumConf conf(String... keysAndValues) {
    org.apache.spark.sql.RuntimeConfig conf = new org.apache.spark.sql.classic.RuntimeConfig(new SQLConf());
    for (int i = 0; i < keysAndValues.length; i += 2) {
      conf.set(keysAndValues[i], keysAndValues[i + 1]);
    }
    return new ScriptoriumConf(conf);
  }

  @Test
  void everySettingHasACase() {
    assertThat(settings().stream().map(Setting::key)).containsExactlyInAnyOrderElementsOf(
        ScriptoriumConf.defaults().keySet());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("settings")
  void unsetReadsTheDefaultAndTheDocumentedDefaultReadsTheSame(Setting setting) {
    assertThat(setting.read().apply(conf())).isEqualTo(setting.unset());
    String documented = ScriptoriumConf.defaults().get(setting.key());
    assertThat(setting.read().apply(conf(setting.key(), documented))).as("set to %s", documented)
        .isEqualTo(setting.unset());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("settings")
  void aValidValueTakesEffect(Setting setting) {
    assertThat(setting.validRead()).isNotEqualTo(setting.unset());
    assertThat(setting.read().apply(conf(setting.key(), setting.valid()))).isEqualTo(setting.validRead());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("settings")
  void badValuesAreRefusedNamingTheValue(Setting setting) {
    for (String bad : setting.refused()) {
      assertThatThrownBy(() -> setting.read().apply(conf(setting.key(), bad))).as("'%s'", bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(bad.trim());
    }
  }

  @Test
  void anUnknownKeyIsRefusedWithTheNearestKnownOne() {
    assertThatThrownBy(() -> conf("spark.scriptorium.batch.maxsize", "4"))
        .isInstanceOf(ScriptoriumConf.UnknownSettingException.class)
        .hasMessageContaining("spark.scriptorium.batch.maxsize")
        .hasMessageContaining("did you mean " + ScriptoriumConf.MAX_BATCH_SIZE + "?");
    assertThat(conf("spark.sql.shuffle.partitions", "2").chunkPages()).as("other keys are Spark's").isEqualTo(500);
  }

  /**
   * README "Configuration": one row per key, with the default ScriptoriumConf documents. A default cell starts with the
   * value in backticks or bare, or with {@code (none)} for an empty default; anything after it explains.
   */
  @Test
  void readmeConfigurationTableIsExactlyTheSettings() throws IOException {
    Map<String, String> readme = readmeTable();
    Map<String, String> documented = new TreeMap<>();
    ScriptoriumConf.defaults().forEach((key, value) -> documented.put(key, value));
    assertThat(readme).isEqualTo(documented);
  }

  private static final Pattern ROW = Pattern.compile("^\\|\\s*`(spark\\.scriptorium\\.[^`]+)`\\s*\\|([^|]*)\\|");
  private static final Pattern DEFAULT = Pattern.compile("^(?:\\(none\\)|`([^`]*)`|([^\\s`(]+))");

  static Map<String, String> readmeTable() throws IOException {
    Path readme = Paths.get(System.getProperty("scriptorium.repo.dir", "..")).resolve("README.md");
    String text = Files.readString(readme, StandardCharsets.UTF_8);
    int start = text.indexOf("\n## Configuration\n");
    assertThat(start).as("README has a Configuration section").isPositive();
    int end = text.indexOf("\n## ", start + 1);
    Map<String, String> rows = new TreeMap<>();
    for (String line : text.substring(start, end < 0 ? text.length() : end).lines().collect(Collectors.toList())) {
      Matcher row = ROW.matcher(line);
      if (!row.find()) {
        continue;
      }
      String cell = row.group(2).trim();
      Matcher value = DEFAULT.matcher(cell);
      assertThat(value.find()).as("default cell of %s: %s", row.group(1), cell).isTrue();
      String parsed = value.group(1) != null ? value.group(1) : value.group(2) != null ? value.group(2) : "";
      assertThat(rows.put(row.group(1), parsed)).as("%s listed twice", row.group(1)).isNull();
    }
    return rows;
  }
}
