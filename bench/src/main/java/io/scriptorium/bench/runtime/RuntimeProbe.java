package io.scriptorium.bench.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.scriptorium.model.BenchmarkHooks;
import io.scriptorium.model.OcrRuntime;
import io.scriptorium.model.PreparedImage;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Measurements of the runtime's parts for {@link RuntimeBenchmark}, driving the module exactly as the scheduler does
 * through model-loader's {@link BenchmarkHooks}. Every call loads its own copy of the bundle.
 */
public final class RuntimeProbe {
  private RuntimeProbe() {}

  /** Decode-step cost at a fixed batch and context: step time and the bytes a step must read. */
  public record DecodeCost(int batch, int context, int steps, double stepMs, long weightBytes, long kvBytes,
      long flopsPerStep) {
    public long bytesPerStep() {
      return weightBytes + kvBytes;
    }
  }

  /** One page through the vision tower: wall time and native memory above what was resident before. */
  public record VisionCost(int gridH, int gridW, int imageTokens, double ms, double peakMb, boolean peakMeasured,
      int visionLayers) {}

  /**
   * Memory bandwidth through this process's libtorch, in GB/s: the best of {@code repeats} copies of a tensor of
   * {@code bytes} into another one allocated and touched beforehand (so page faults are not timed), counting bytes
   * read plus bytes written. Uses the intra-op thread count the runtime uses.
   */
  public static double memoryBandwidthGbPerS(String device, long bytes, int repeats) {
    try (NDManager m = BenchmarkHooks.newManager(device)) {
      long n = bytes / 4;
      NDArray source = m.ones(new Shape(n), DataType.FLOAT32);
      NDArray target = m.zeros(new Shape(n), DataType.FLOAT32);
      NDIndex all = new NDIndex(":");
      double best = Double.MAX_VALUE;
      for (int i = 0; i <= repeats; i++) {
        target.get(n - 1).toFloatArray(); // on a GPU: wait for the work before
        long start = System.nanoTime();
        target.set(all, source); // index_put_ over everything: an in-place copy
        target.get(n - 1).toFloatArray(); // reading one value waits for the copy on a GPU
        if (i > 0) {
          best = Math.min(best, System.nanoTime() - start);
        }
      }
      return 2.0 * n * 4 / best;
    }
  }

  /**
   * Arithmetic throughput through this process's libtorch, in GFLOP/s: the best of {@code repeats} float32 products
   * [m, k] x [k, n] (2 m k n operations each), with the runtime's intra-op threads. Square products give the compute
   * roof; a decode step's shape ([batch, hidden] x [hidden, vocab]) shows what the BLAS reaches with few rows.
   */
  public static double matmulGflopPerS(String device, int m, int k, int n, int repeats) {
    try (NDManager manager = BenchmarkHooks.newManager(device)) {
      NDArray a = manager.randomUniform(-1, 1, new Shape(m, k), DataType.FLOAT32);
      NDArray b = manager.randomUniform(-1, 1, new Shape(k, n), DataType.FLOAT32);
      double best = Double.MAX_VALUE;
      for (int i = 0; i <= repeats; i++) {
        try (NDManager step = manager.newSubManager()) {
          NDArray ready = a.get(0, 0);
          ready.attach(step);
          ready.toFloatArray(); // on a GPU: wait for the work before
          long start = System.nanoTime();
          NDArray c = a.matMul(b);
          c.attach(step);
          NDArray last = c.get(m - 1, n - 1);
          last.attach(step);
          last.toFloatArray(); // reading one value waits for the product on a GPU
          if (i > 0) {
            best = Math.min(best, System.nanoTime() - start);
          }
        }
      }
      return 2.0 * m * k * n / best; // operations per nanosecond = GFLOP/s
    }
  }

  /**
   * {@code steps} decode steps of {@code batch} rows that each hold {@code context} cached tokens, after two warm-up
   * steps. The cache holds zeros instead of prefilled keys (the cost does not depend on the values); tokens and
   * lengths stay on the device between steps as in the runtime's decode batches.
   */
  public static DecodeCost decodeCost(Path bundleDir, String device, int batch, int context, int steps) {
    int warmUp = 2;
    try (BenchmarkHooks.Decoding decoding =
        BenchmarkHooks.Decoding.open(bundleDir, device, batch, context, warmUp + steps)) {
      long elapsed = 0;
      for (int i = 0; i < warmUp + steps; i++) {
        long t0 = System.nanoTime();
        decoding.step();
        if (i >= warmUp) {
          elapsed += System.nanoTime() - t0;
        }
      }
      long meanContext = context + warmUp + steps / 2 + 1;
      return new DecodeCost(batch, context, steps, elapsed / 1e6 / steps, decoding.weightBytes(),
          batch * meanContext * decoding.kvBytesPerToken(), decoding.flopsPerStep(meanContext));
    }
  }

  /**
   * Encodes a synthetic {@code side x side} page after one warm-up encode of a {@code warmSide} page. The peak is
   * VmHWM after resetting it through /proc/self/clear_refs (Linux): host memory, so on a GPU (or where the reset is
   * refused) peakMeasured is false.
   */
  public static VisionCost visionCost(Path bundleDir, String device, int warmSide, int side) throws IOException {
    try (BenchmarkHooks.VisionTower tower = BenchmarkHooks.VisionTower.open(bundleDir, device)) {
      tower.encode(tower.prepare(page(warmSide)));
      PreparedImage image = tower.prepare(page(side));
      boolean reset = !tower.onGpu() && resetPeakRss();
      long before = status("VmRSS:");
      long start = System.nanoTime();
      tower.encode(image);
      double ms = (System.nanoTime() - start) / 1e6;
      long peak = status("VmHWM:");
      return new VisionCost(image.gridH(), image.gridW(), tower.imageTokens(image), ms, (peak - before) / 1024.0, reset,
          visionLayers(bundleDir));
    }
  }

  /** Forget the longest gap between decode steps and the longest prefill chunk seen so far (warm-up). */
  public static void resetLongest(OcrRuntime runtime) {
    BenchmarkHooks.resetLongest(runtime);
  }

  private static int visionLayers(Path bundleDir) throws IOException {
    return com.google.gson.JsonParser.parseString(Files.readString(bundleDir.resolve("manifest.json")))
        .getAsJsonObject().getAsJsonObject("architecture").getAsJsonObject("vision").get("num_layers").getAsInt();
  }

  private static boolean resetPeakRss() {
    try {
      Files.writeString(Paths.get("/proc/self/clear_refs"), "5");
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private static long status(String key) throws IOException {
    for (String line : Files.readAllLines(Paths.get("/proc/self/status"))) {
      if (line.startsWith(key)) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IOException("no " + key + " in /proc/self/status");
  }

  private static BufferedImage page(int side) {
    BufferedImage image = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < side; y++) {
      for (int x = 0; x < side; x++) {
        image.setRGB(x, y, ((x * 7) ^ (y * 13)) & 0xffffff);
      }
    }
    return image;
  }
}
