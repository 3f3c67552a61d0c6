package io.scriptorium.model;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** Where tests find bundles and shared data. */
final class TestBundles {
  private TestBundles() {}

  /** builtin:tiny, or the directory in -Dscriptorium.test.bundle (to try another export). */
  static String tinySpec() {
    return System.getProperty("scriptorium.test.bundle", RuntimeConfig.BUILTIN_TINY);
  }

  static RuntimeConfig tinyConfig() {
    return RuntimeConfig.defaults().withBundle(tinySpec());
  }

  /** ../shared beside the repository, or -Dscriptorium.shared.dir (set by surefire). */
  static Path sharedDir() {
    String dir = System.getProperty("scriptorium.shared.dir");
    Path p = dir != null ? Paths.get(dir) : Paths.get("..", "shared");
    if (!Files.isDirectory(p)) {
      p = Paths.get("..", "..", "shared");
    }
    return p.toAbsolutePath().normalize();
  }

  /** A private copy of the tiny bundle's directory that a test may modify. */
  static Path copyOfTiny(Path target) throws Exception {
    Path source = ModelBundle.open(tinySpec()).dir();
    Files.createDirectories(target);
    for (String name : ModelBundle.TINY_FILES) {
      Files.copy(source.resolve(name), target.resolve(name));
    }
    return target;
  }
}
