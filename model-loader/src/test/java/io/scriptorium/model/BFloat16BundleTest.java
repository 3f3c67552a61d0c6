package io.scriptorium.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.scriptorium.testing.DataTest;
import io.scriptorium.testing.SharedData;
import io.scriptorium.testing.UnitTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bfloat16 bundle (what GPUs run) through the Java runtime: the KV cache is allocated in bfloat16 and the generated
 * ids equal the exporter's own run of the same scripted methods ({@code generate --scripted}) on the same page.
 */
@UnitTest
@DataTest
class BFloat16BundleTest {
  @Test
  void javaDecodesABfloat16BundleLikeTheExporter(@TempDir Path dir) throws Exception {
    assumeTrue(TestBundles.exporterAvailable(), TestBundles.EXPORTER_MISSING);
    Path bundle = dir.resolve("tiny-bf16");
    run("export", "--tiny", "--seed", "7", "--dtype", "bfloat16", "--out", bundle.toString());
    Path page = SharedData.dir().resolve("tesseract-testing/phototest.tif");
    assumeTrue(Files.isRegularFile(page), "needs ../shared/data");
    String out = run("generate", "--bundle", bundle.toString(), "--image", page.toString(), "--task", "spotting",
        "--max-new-tokens", "24", "--scripted");
    String idsLine = out.lines().filter(l -> l.startsWith("ids:")).findFirst().orElseThrow();
    int[] expected = Arrays.stream(idsLine.replaceAll("[^0-9,]", "").split(",")).filter(s -> !s.isEmpty())
        .mapToInt(Integer::parseInt).toArray();

    RuntimeConfig config = RuntimeConfig.defaults().withBundle(bundle.toString()).withMaxNewTokens(Task.SPOTTING, 24);
    try (OcrRuntime runtime = OcrRuntime.open(config)) {
      assertThat(runtime.model().dtype()).isEqualTo("bfloat16");
      PreparedImage image = runtime.prepare(ImageIO.read(page.toFile()));
      OcrResult result = runtime.submit(image, runtime.prompt(TaskSpec.of(Task.SPOTTING))).get(2, TimeUnit.MINUTES);
      assertThat(expected).isNotEmpty();
      assertThat(result.outputIds()).containsExactly(expected);
      assertThat(runtime.stats().kvCacheBytes()).as("bf16 cache: 2 bytes a value")
          .isEqualTo(2L * 2 * 2 * 16 * 2 * runtime.stats().slotTokens() * (RuntimeConfig.DEFAULT_MAX_BATCH_SIZE + 1));
    }
  }

  private static String run(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(TestBundles.PYTHON.toString(),
        TestBundles.exporter().toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }
}
