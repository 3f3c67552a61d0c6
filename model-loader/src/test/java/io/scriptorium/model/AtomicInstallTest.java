package io.scriptorium.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scriptorium.testing.UnitTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A directory appears complete or not at all, once, and an install that fails leaves nothing behind. */
@UnitTest
class AtomicInstallTest {
  @TempDir Path tmp;

  @Test
  void concurrentInstallsOfOneTargetWriteItOnce() throws Exception {
    Path target = tmp.resolve("cache").resolve("bundle");
    AtomicInteger writes = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      List<Callable<Boolean>> calls = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        calls.add(() -> AtomicInstall.directory(target, dir -> {
          writes.incrementAndGet();
          Files.writeString(dir.resolve("a.txt"), "a");
          Files.writeString(dir.resolve("b.txt"), "b");
        }));
      }
      int installed = 0;
      for (Future<Boolean> f : pool.invokeAll(calls)) {
        installed += f.get() ? 1 : 0;
      }
      assertThat(installed).isEqualTo(1);
      assertThat(writes).hasValue(1);
    } finally {
      pool.shutdown();
    }
    assertThat(Files.readString(target.resolve("a.txt"))).isEqualTo("a");
    assertThat(names(target.getParent())).containsExactly("bundle");
  }

  @Test
  void aFailedInstallLeavesNoTargetAndNoTemp() throws Exception {
    Path target = tmp.resolve("bundle");
    assertThatThrownBy(() -> AtomicInstall.directory(target, dir -> {
      Files.writeString(dir.resolve("half.txt"), "half");
      throw new IOException("network gone");
    })).isInstanceOf(IOException.class).hasMessage("network gone");
    assertThatThrownBy(() -> AtomicInstall.directory(target, dir -> {
      throw new IllegalStateException("checksum");
    })).isInstanceOf(IllegalStateException.class);
    assertThat(names(tmp)).isEmpty();

    assertThat(AtomicInstall.directory(target, dir -> Files.writeString(dir.resolve("x"), "x"))).isTrue();
    assertThat(AtomicInstall.directory(target, dir -> Files.writeString(dir.resolve("y"), "y")))
        .as("an existing target is left as it is").isFalse();
    assertThat(names(target)).containsExactly("x");
  }

  @Test
  void staleTempsOfTheTargetAreSweptYoungOnesAndOthersKept() throws Exception {
    Path stale = Files.createDirectory(tmp.resolve("bundle" + AtomicInstall.TEMP_MARK + "1"));
    Files.writeString(stale.resolve("part"), "p");
    Files.setLastModifiedTime(stale,
        FileTime.fromMillis(System.currentTimeMillis() - AtomicInstall.STALE_TEMP_MILLIS - 60_000));
    Path young = Files.createDirectory(tmp.resolve("bundle" + AtomicInstall.TEMP_MARK + "2"));
    Path otherStale = Files.createDirectory(tmp.resolve("other" + AtomicInstall.TEMP_MARK + "3"));
    Files.setLastModifiedTime(otherStale, FileTime.fromMillis(0));

    AtomicInstall.directory(tmp.resolve("bundle"), dir -> Files.writeString(dir.resolve("x"), "x"));

    assertThat(names(tmp)).containsExactlyInAnyOrder("bundle", young.getFileName().toString(),
        otherStale.getFileName().toString());
  }

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
