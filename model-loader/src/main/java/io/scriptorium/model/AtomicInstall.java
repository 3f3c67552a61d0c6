package io.scriptorium.model;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Installs a directory that must never be seen half-written (a cached bundle): its files are written into a private
 * temp sibling, synced to disk, and the temp directory is renamed to the target in one atomic move. Another process
 * therefore sees either no target or a complete one; if it renamed its own copy first, ours is dropped and theirs
 * used. Threads of one JVM install a target once (a per-target lock). Temp directories that a killed JVM left beside
 * the target are removed by the next install of that target once they are {@link #STALE_TEMP_MILLIS} old.
 */
public final class AtomicInstall {
  /** Part of every temp directory's name: {@code <target name>.tmp-<random>}. */
  public static final String TEMP_MARK = ".tmp-";
  /** Older than any install takes; a younger temp directory may belong to an install still running elsewhere. */
  static final long STALE_TEMP_MILLIS = TimeUnit.HOURS.toMillis(6);

  private static final Logger LOG = LoggerFactory.getLogger(AtomicInstall.class);
  private static final Map<Path, Object> LOCKS = new ConcurrentHashMap<>();

  private AtomicInstall() {}

  /** Writes the directory's files into {@code dir}, an empty temp directory. */
  @FunctionalInterface
  public interface Contents {
    void writeInto(Path dir) throws IOException;
  }

  /**
   * Makes {@code target} a complete directory unless it already is one.
   *
   * @return true when this call installed it; false when it existed already or another process installed it first
   * @throws IOException from the file system or from {@code contents}; nothing is left behind but the parent directory
   */
  public static boolean directory(Path target, Contents contents) throws IOException {
    Path absolute = target.toAbsolutePath().normalize();
    if (Files.isDirectory(absolute)) {
      return false;
    }
    synchronized (LOCKS.computeIfAbsent(absolute, k -> new Object())) {
      if (Files.isDirectory(absolute)) {
        return false;
      }
      Path parent = absolute.getParent();
      Files.createDirectories(parent);
      removeStaleTemps(parent, absolute.getFileName().toString());
      Path tmp = Files.createTempDirectory(parent, absolute.getFileName() + TEMP_MARK);
      try {
        contents.writeInto(tmp);
        syncTree(tmp);
        boolean installed = moveIntoPlace(tmp, absolute);
        syncDirectory(parent); // the rename itself
        return installed;
      } finally {
        if (Files.exists(tmp)) {
          deleteTree(tmp);
        }
      }
    }
  }

  /** One rename. False when another process renamed its complete copy into place first. */
  private static boolean moveIntoPlace(Path tmp, Path target) throws IOException {
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      return true;
    } catch (IOException e) {
      // Linux reports a non-empty target as a plain FileSystemException: judge by the outcome, not the type
      if (!Files.isDirectory(target)) {
        throw e;
      }
      return false;
    }
  }

  /** Files first, then the directory: after a crash the renamed directory holds complete files, not empty ones. */
  private static void syncTree(Path dir) throws IOException {
    List<Path> files;
    try (Stream<Path> paths = Files.walk(dir)) {
      files = paths.filter(Files::isRegularFile).toList();
    }
    for (Path file : files) {
      try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
        channel.force(true);
      }
    }
    syncDirectory(dir);
  }

  /** Not every platform can open a directory to sync it (Windows cannot); there the rename is all we have. */
  private static void syncDirectory(Path dir) {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      LOG.debug("Could not sync directory {}: {}", dir, e.toString());
    }
  }

  /** Temp directories of this target that a killed JVM left behind. */
  private static void removeStaleTemps(Path parent, String name) {
    long cutoff = System.currentTimeMillis() - STALE_TEMP_MILLIS;
    try (DirectoryStream<Path> temps = Files.newDirectoryStream(parent, name + TEMP_MARK + "*")) {
      for (Path temp : temps) {
        if (Files.getLastModifiedTime(temp).toMillis() < cutoff) {
          LOG.info("Removing {}, left behind by an interrupted install", temp);
          deleteTree(temp);
        }
      }
    } catch (IOException e) {
      LOG.debug("Could not look for stale temp directories in {}: {}", parent, e.toString());
    }
  }

  /** Deletes what it can; what it cannot is logged and left for the stale-temp sweep. */
  static void deleteTree(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      LOG.debug("Could not delete {}: {}", root, e.toString());
    }
  }
}
