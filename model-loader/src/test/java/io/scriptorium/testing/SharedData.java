package io.scriptorium.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** The real documents with ground truth in {@code ../shared/data}, beside the repository. */
public final class SharedData {
  private SharedData() {}

  /** The data directory; skips the calling test (an assumption, with the reason) where it is absent. */
  public static Path dir() {
    assumeTrue(present(), SharedData::notRunReason);
    return location();
  }

  /** Whether the data directory is there (for runners other than JUnit Jupiter, such as jqwik's skip hook). */
  public static boolean present() {
    return Files.isDirectory(location());
  }

  /** Why a test that needs the data does not run. */
  public static String notRunReason() {
    return "NOT RUN: needs the shared test data, absent at " + location();
  }

  /**
   * Under {@code -Dscriptorium.shared.dir} (surefire sets it), else {@code ../shared} or {@code ../../shared} from the
   * working directory.
   */
  static Path location() {
    String configured = System.getProperty("scriptorium.shared.dir");
    Path dir = configured != null ? Paths.get(configured) : Paths.get("..", "shared");
    if (configured == null && !Files.isDirectory(dir)) {
      dir = Paths.get("..", "..", "shared");
    }
    return dir.resolve("data").toAbsolutePath().normalize();
  }
}
