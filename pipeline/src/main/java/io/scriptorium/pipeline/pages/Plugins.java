package io.scriptorium.pipeline.pages;

import javax.imageio.ImageIO;

/**
 * Registers the ImageIO plugins on our class path (TwelveMonkeys, JBIG2) once per JVM. ImageIO scans the context
 * class loader only when it first starts; in a Spark executor that may be a loader that cannot see the
 * application jar, and then JPEG CMYK, TIFF, WebP and JBIG2 in PDFs silently fall back or fail.
 */
final class Plugins {
  static {
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    thread.setContextClassLoader(Plugins.class.getClassLoader());
    try {
      ImageIO.scanForPlugins();
    } finally {
      thread.setContextClassLoader(previous);
    }
  }

  private Plugins() {}

  /** Runs the static initialiser above, once. */
  static void register() {}
}
