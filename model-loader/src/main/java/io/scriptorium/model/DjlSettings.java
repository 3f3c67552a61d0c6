package io.scriptorium.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Process-wide DJL switches, applied before the PyTorch engine starts (it reads them once). GPU nodes: put libtorch
 * 2.7.1 for CUDA 12.8 on the node and set {@code PYTORCH_LIBRARY_PATH}, {@code PYTORCH_FLAVOR=cu128} and
 * {@code PYTORCH_VERSION=2.7.1} (stack-djl.md §9).
 */
final class DjlSettings {
  private static final Logger LOG = LoggerFactory.getLogger(DjlSettings.class);
  static final String NUM_THREADS = "ai.djl.pytorch.num_threads";
  static final String NUM_INTEROP_THREADS = "ai.djl.pytorch.num_interop_threads";
  /** The tokenizer library would otherwise look for a CUDA build on GPU nodes and try to download it. */
  static final String RUST_FLAVOR = "RUST_FLAVOR";

  private DjlSettings() {}

  /** Before the engine starts: the properties it reads once. */
  static synchronized void apply(int intraOpThreads) {
    System.setProperty(NUM_THREADS, Integer.toString(intraOpThreads));
    setIfAbsent(NUM_INTEROP_THREADS, "1");
    if (System.getenv(RUST_FLAVOR) == null) {
      setIfAbsent(RUST_FLAVOR, "cpu");
    }
  }

  /**
   * Once the engine runs: the intra-op thread count set on it directly, since something may have started the engine
   * before this runtime (another runtime, a probe) with another count. Process-wide: the last runtime loaded wins.
   */
  static synchronized void enforceThreads(int intraOpThreads) {
    int current = JniUtils.getNumThreads();
    if (current != intraOpThreads) {
      LOG.info("libtorch intra-op threads: {} (was {})", intraOpThreads, current);
      JniUtils.setNumThreads(intraOpThreads);
    }
  }

  /** libtorch's intra-op thread count now. */
  static int intraOpThreads() {
    return JniUtils.getNumThreads();
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }

  /** "cpu" or "gpu:N". */
  static String deviceName(String device) {
    return "gpu".equals(device) ? "gpu:0" : device;
  }

  static Device device(String device) {
    String name = deviceName(device);
    if ("cpu".equals(name)) {
      return Device.cpu();
    }
    int id = Integer.parseInt(name.substring("gpu:".length()));
    int gpus = Engine.getEngine("PyTorch").getGpuCount();
    if (id >= gpus) {
      throw new IllegalArgumentException("device " + name + " requested but the PyTorch engine sees " + gpus
          + " GPU(s); on GPU nodes set PYTORCH_LIBRARY_PATH, PYTORCH_FLAVOR=cu128 and PYTORCH_VERSION=2.7.1");
    }
    return Device.gpu(id);
  }
}
