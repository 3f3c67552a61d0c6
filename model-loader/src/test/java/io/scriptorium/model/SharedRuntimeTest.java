package io.scriptorium.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.scriptorium.testing.UnitTest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@UnitTest
class SharedRuntimeTest {
  @TempDir Path tmp;

  @Test
  void sharedRuntimeLoadsOncePerKeyAcrossThreads() throws Exception {
    // a bundle directory of its own, so no other test's shared runtime has this key
    Path dir = TestBundles.copyOfTiny(tmp.resolve("bundle"));
    RuntimeConfig config = RuntimeConfig.defaults().withBundle(dir.toString());
    RuntimeConfig sameKeyOtherSettings = config.withMaxBatchSize(3).withBundle(dir.toUri().toString());
    int before = OcrRuntime.loadCount();

    ExecutorService pool = Executors.newFixedThreadPool(8);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<OcrRuntime>> calls = new ArrayList<>();
    try {
      for (int i = 0; i < 8; i++) {
        RuntimeConfig c = i % 2 == 0 ? config : sameKeyOtherSettings;
        calls.add(pool.submit(() -> {
          start.await();
          return OcrRuntime.shared(c);
        }));
      }
      start.countDown();
      List<OcrRuntime> runtimes = new ArrayList<>();
      for (Future<OcrRuntime> f : calls) {
        runtimes.add(f.get());
      }
      assertThat(runtimes).allMatch(r -> r == runtimes.get(0));
      assertThat(OcrRuntime.loadCount() - before).isEqualTo(1);

      // close() on the shared instance is ignored: it keeps serving
      OcrRuntime shared = runtimes.get(0);
      shared.close();
      OcrResult result = shared.submit(shared.prepare(new java.awt.image.BufferedImage(64, 64,
          java.awt.image.BufferedImage.TYPE_INT_RGB)), shared.prompt(TaskSpec.of(Task.TEXT))).get();
      assertThat(result.outputTokens()).isPositive();
      assertThat(OcrRuntime.shared(config)).isSameAs(shared);
      assertThat(OcrRuntime.loadCount() - before).isEqualTo(1);
    } finally {
      pool.shutdown();
    }
  }
}
