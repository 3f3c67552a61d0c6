package io.scriptorium.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.scriptorium.testing.UnitTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every test class of every module has a tier (README "Development"): an untagged one would silently drop out of
 * {@code -Dgroups=unit}; a {@code *IT} class is a cluster test, and only those are.
 */
@UnitTest
class TestTiersTest {
  private static final Pattern TESTS =
      Pattern.compile("^\\s*@(Test|ParameterizedTest|RepeatedTest|TestFactory|Property)\\b", Pattern.MULTILINE);
  private static final Pattern TIER = Pattern.compile("^@(UnitTest|SparkTest|ClusterTest)\\b", Pattern.MULTILINE);

  @Test
  void everyTestClassHasOneTier() throws IOException {
    List<Path> classes;
    try (Stream<Path> files = Files.walk(Paths.get(System.getProperty("scriptorium.repo.dir", "..")))) {
      classes = files.filter(p -> p.toString().contains("/src/test/java/") && p.toString().endsWith(".java"))
          .filter(p -> TESTS.matcher(read(p)).find())
          .toList();
    }
    assertThat(classes).as("test classes").hasSizeGreaterThan(50);
    for (Path file : classes) {
      String source = read(file);
      List<String> tiers = TIER.matcher(source).results().map(m -> m.group(1)).toList();
      assertThat(tiers).as("%s: one of @UnitTest, @SparkTest, @ClusterTest (io.scriptorium.testing)", file)
          .hasSize(1);
      boolean it = file.getFileName().toString().endsWith("IT.java");
      assertThat(tiers.get(0).equals("ClusterTest")).as(file + ": the cluster tier is the failsafe *IT classes")
          .isEqualTo(it);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
