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

  /** Debian's interpreter, which has torch where the exporter can run (the python3 on PATH may not). */
  static final Path PYTHON = Paths.get("/usr/bin/python3");

  static final String EXPORTER_MISSING =
      "needs Debian's torch for the exporter: apt-get install -y python3-torch python3-pil python3-numpy";

  /** The exporter script, from the model-loader module directory (the tests' working directory). */
  static Path exporter() {
    return Paths.get("export", "hunyuan_ocr.py").toAbsolutePath();
  }

  /** Whether {@link #PYTHON} can import torch, numpy and Pillow. */
  static boolean exporterAvailable() {
    return io.scriptorium.testing.PythonReference.available();
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
