package io.scriptorium.testing;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * Whether Debian's {@code /usr/bin/python3} has torch, Pillow and numpy: what the exporter and the Pillow references
 * need. The one check the tests (which skip without it) and the benchmarks (which leave out their real-shape figures)
 * ask.
 */
public final class PythonReference {
  private PythonReference() {}

  public static boolean available() {
    try {
      Process p = new ProcessBuilder("/usr/bin/python3", "-c", "import torch, PIL, numpy").redirectErrorStream(true)
          .start();
      p.getInputStream().readAllBytes();
      return p.waitFor(2, TimeUnit.MINUTES) && p.exitValue() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }
}
