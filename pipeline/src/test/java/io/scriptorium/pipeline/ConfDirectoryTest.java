package io.scriptorium.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.scriptorium.testing.UnitTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What ships in conf/: only keys ScriptoriumConf knows, parseable property files, a working GPU discovery script. */
@UnitTest
class ConfDirectoryTest {
  private static final Pattern KEY = Pattern.compile("spark\\.scriptorium\\.[A-Za-z0-9_.]*[A-Za-z0-9_]");

  @TempDir Path tmp;

  static Path confDir() {
    return Paths.get(System.getProperty("scriptorium.repo.dir", "..")).resolve("conf").toAbsolutePath().normalize();
  }

  @Test
  void everyScriptoriumKeyInConfIsOneScriptoriumConfDefines() throws IOException {
    Set<String> known = ScriptoriumConf.defaults().keySet();
    List<String> unknown = new ArrayList<>();
    Set<String> seen = new TreeSet<>();
    try (Stream<Path> files = Files.walk(confDir())) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        Matcher m = KEY.matcher(Files.readString(file, StandardCharsets.UTF_8));
        while (m.find()) {
          seen.add(m.group());
          if (!known.contains(m.group())) {
            unknown.add(confDir().relativize(file) + ": " + m.group());
          }
        }
      }
    }
    assertThat(unknown).as("spark.scriptorium.* keys in conf/ that ScriptoriumConf does not define").isEmpty();
    assertThat(seen).contains(ScriptoriumConf.MODEL, ScriptoriumConf.MODEL_CACHE_DIR, ScriptoriumConf.DEVICE);
  }

  @Test
  void propertyFilesHaveNoTrailingCommentsInValues() throws IOException {
    try (Stream<Path> files = Files.walk(confDir())) {
      for (Path file : files.filter(p -> p.toString().endsWith(".conf") || p.toString().endsWith(".template")).toList()) {
        Properties properties = new Properties();
        try (var reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
          properties.load(reader);
        }
        assertThat(properties).as(file.toString()).isNotEmpty();
        for (Map.Entry<Object, Object> entry : properties.entrySet()) {
          assertThat(entry.getKey().toString()).as(file + " key").startsWith("spark.");
          assertThat(entry.getValue().toString()).as(file + " " + entry.getKey()).doesNotContain(" #").isNotBlank();
        }
      }
    }
  }

  @Test
  void gpuDiscoveryScriptPrintsSparkResourceJson() throws Exception {
    Path smi = tmp.resolve("nvidia-smi");
    Files.writeString(smi, "#!/bin/sh\nprintf ' 0\\n1\\n'\n");
    smi.toFile().setExecutable(true);

    assertThat(discover(Map.of("NVIDIA_SMI", smi.toString())))
        .isEqualTo(new Result(0, "{\"name\": \"gpu\", \"addresses\": [\"0\", \"1\"]}"));
    // CUDA renumbers the visible devices from 0
    assertThat(discover(Map.of("NVIDIA_SMI", smi.toString(), "CUDA_VISIBLE_DEVICES", "5,7,2")))
        .isEqualTo(new Result(0, "{\"name\": \"gpu\", \"addresses\": [\"0\", \"1\", \"2\"]}"));
    Result missing = discover(Map.of("NVIDIA_SMI", tmp.resolve("no-such-smi").toString()));
    assertThat(missing.exit()).isEqualTo(1);
    assertThat(missing.stdout()).isEmpty();
  }

  private record Result(int exit, String stdout) {}

  private Result discover(Map<String, String> env) throws Exception {
    ProcessBuilder builder = new ProcessBuilder("bash", confDir().resolve("getGpusResources.sh").toString())
        .redirectError(ProcessBuilder.Redirect.DISCARD);
    builder.environment().remove("CUDA_VISIBLE_DEVICES");
    builder.environment().putAll(env);
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return new Result(process.exitValue(), out);
  }
}
