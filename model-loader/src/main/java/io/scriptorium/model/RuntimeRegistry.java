package io.scriptorium.model;

import java.net.URI;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The one deliberate JVM-wide state of this module: one {@link OcrRuntime} per (bundle, device, dtype) per JVM, behind
 * {@link OcrRuntime#shared}.
 *
 * <p>Why: a Spark executor runs many tasks in one JVM, and a model is gigabytes of weights plus a KV cache sized to the
 * device; every task of the executor must feed the same runtime, whose scheduler batches their requests together.
 *
 * <p>How: a runtime is loaded lazily by the first call for its key, under double-checked locking (so threads racing
 * on a key load it once), and kept until the JVM exits, when a shutdown hook stops every runtime loaded here. A bundle
 * given as a relative path, an absolute path or a {@code file:} URI is one key. The rest of the config (batch size, KV
 * budget, threads, prompt language, token overrides, pixel cap) is frozen by the first call for a key; later calls
 * with other values get the existing runtime. A pinned config is checked against the runtime it gets, so a bundle
 * loaded earlier unpinned from the same path cannot stand in for another one.
 */
final class RuntimeRegistry {
  private static final Map<Key, OcrRuntime> RUNTIMES = new ConcurrentHashMap<>();
  private static final Object LOCK = new Object();
  private static boolean shutdownHookAdded;

  private RuntimeRegistry() {}

  /** The runtime for this config's key, loaded with {@code load} if this JVM has none yet. */
  static OcrRuntime get(RuntimeConfig config, Function<RuntimeConfig, OcrRuntime> load) {
    Key key = Key.of(config);
    OcrRuntime runtime = RUNTIMES.get(key);
    if (runtime == null) {
      synchronized (LOCK) {
        runtime = RUNTIMES.get(key);
        if (runtime == null) {
          runtime = load.apply(config);
          RUNTIMES.put(key, runtime);
          addShutdownHook();
        }
      }
    }
    String pinned = config.pinnedSha256();
    if (pinned != null && !pinned.equals(runtime.model().bundleSha256())) { // loaded earlier, unpinned, from that path
      throw new BundleException("the model loaded from " + config.bundle() + " has manifest sha256 "
          + runtime.model().bundleSha256() + ", not the pinned " + pinned);
    }
    return runtime;
  }

  private static void addShutdownHook() {
    if (!shutdownHookAdded) {
      shutdownHookAdded = true;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNTIMES.values().forEach(OcrRuntime::shutdown),
          "scriptorium-ocr-shutdown"));
    }
  }

  /** What makes two configs the same runtime. */
  record Key(String bundle, String device, String dtype) {
    static Key of(RuntimeConfig c) {
      String b = c.bundle();
      if (!RuntimeConfig.BUILTIN_TINY.equals(b)) {
        Path p = b.startsWith("file:") ? Paths.get(URI.create(b)) : Paths.get(b);
        b = p.toAbsolutePath().normalize().toString();
      }
      return new Key(b, DjlSettings.deviceName(c.device()), c.dtype());
    }
  }
}
