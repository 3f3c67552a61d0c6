package io.scriptorium.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.awt.image.BufferedImage;
import java.nio.file.Path;

/**
 * Hooks for the benchmarks only (the {@code bench} module's {@code RuntimeProbe}, not in the production jars): the
 * module's own calls at a fixed batch, context or image, made as the scheduler makes them. The benchmarks time and
 * measure; nothing here does. Not for pipelines: every {@code open} loads its own copy of the bundle.
 */
public final class BenchmarkHooks {
  private BenchmarkHooks() {}

  /** A manager on {@code device} ("cpu", "gpu", "gpu:N"), the engine set up as the runtime sets it up. */
  public static NDManager newManager(String device) {
    DjlSettings.apply(RuntimeConfig.DEFAULT_INTRA_OP_THREADS);
    return NDManager.newBaseManager(DjlSettings.device(device), "PyTorch");
  }

  /** Forget the longest gap between decode steps and the longest prefill chunk seen so far (after a warm-up). */
  public static void resetLongest(OcrRuntime runtime) {
    runtime.resetLongest();
  }

  /**
   * Rows decoding against a KV cache of zeros (a step costs the same whatever the cached values); tokens and lengths
   * stay on the device between steps as in {@link DecodeBatch}.
   */
  public static final class Decoding implements AutoCloseable {
    private final TorchModule module;
    private final NDManager state;
    private final KvCache cache;
    private final int rows;
    private final int width;
    private final Manifest.Llm llm;
    private final int bytesPerValue;
    private NDArray tokens;
    private NDArray lengths;
    private int context;

    private Decoding(TorchModule module, NDManager state, KvCache cache, Manifest manifest, int rows, int context,
        int width) {
      this.module = module;
      this.state = state;
      this.cache = cache;
      this.rows = rows;
      this.context = context;
      this.width = width;
      this.llm = manifest.llm();
      this.bytesPerValue = KvCache.dataType(manifest.dtype()).getNumOfBytes();
      this.tokens = state.create(new long[rows]);
      long[] start = new long[rows];
      java.util.Arrays.fill(start, context);
      this.lengths = state.create(start);
    }

    /** {@code rows} rows that each hold {@code context} cached tokens, with room for {@code steps} steps. */
    public static Decoding open(Path bundleDir, String device, int rows, int context, int steps) {
      DjlSettings.apply(RuntimeConfig.DEFAULT_INTRA_OP_THREADS);
      ModelBundle bundle = ModelBundle.verify(bundleDir);
      TorchModule module = TorchModule.load(bundle, DjlSettings.device(device));
      NDManager state = null;
      try {
        state = module.newManager();
        int width = context + steps + 1;
        KvCache cache = KvCache.allocate(module, state, bundle.manifest(), rows, width);
        return new Decoding(module, state, cache, bundle.manifest(), rows, context, width);
      } catch (RuntimeException e) {
        if (state != null) {
          state.close();
        }
        module.close();
        throw e;
      }
    }

    /** One decode step of every row; returns when its next tokens are known. */
    public void step() {
      if (context + 1 >= width) {
        throw new IllegalStateException("no room for another step: opened for " + (width - 1) + " cached tokens");
      }
      try (NDManager m = module.newManager()) {
        NDList out = module.decode(m, tokens, lengths, cache.rows(m, rows, context + 1));
        out.get(0).toLongArray();
        tokens.close();
        lengths.close();
        tokens = out.get(0);
        lengths = out.get(2);
        tokens.attach(state);
        lengths.attach(state);
      }
      context++;
    }

    /** Bytes of the decoder's weights, all read by every step. */
    public long weightBytes() {
      return llm.decodeParameters() * bytesPerValue;
    }

    /**
     * Floating-point operations of one step of every row at {@code context} cached tokens: a multiply-add per weight
     * per row (the tied embedding included, as the output head), and the attention over the cached tokens.
     */
    public long flopsPerStep(long context) {
      // per row, layer and query head: one query-key and one weight-value product of head_dim per cached token
      long attention = 4L * llm.numLayers() * llm.numHeads() * llm.headDim() * context;
      return rows * (2L * llm.decodeParameters() + attention);
    }

    /** Bytes of keys and values one cached token of one row holds. */
    public long kvBytesPerToken() {
      return llm.kvBytesPerToken(bytesPerValue);
    }

    @Override
    public void close() {
      cache.close();
      state.close();
      module.close();
    }
  }

  /** The vision tower with the runtime's preprocessing. */
  public static final class VisionTower implements AutoCloseable {
    private final TorchModule module;
    private final ImagePreprocessor preprocessor;
    private final int mergeSize;
    private final boolean onGpu;

    private VisionTower(TorchModule module, Manifest manifest, boolean onGpu) {
      this.module = module;
      this.preprocessor = new ImagePreprocessor(manifest.preprocessing(), RuntimeConfig.DEFAULT_MAX_IMAGE_PIXELS);
      this.mergeSize = manifest.preprocessing().mergeSize();
      this.onGpu = onGpu;
    }

    public static VisionTower open(Path bundleDir, String device) {
      DjlSettings.apply(RuntimeConfig.DEFAULT_INTRA_OP_THREADS);
      ModelBundle bundle = ModelBundle.verify(bundleDir);
      Device target = DjlSettings.device(device);
      return new VisionTower(TorchModule.load(bundle, target), bundle.manifest(), target.isGpu());
    }

    public PreparedImage prepare(BufferedImage page) {
      return preprocessor.prepare(page);
    }

    /** Runs the vision tower on the image; returns when its output has been read back. */
    public void encode(PreparedImage image) {
      try (NDManager m = module.newManager()) {
        module.visionEncode(m, image.pixels(), image.gridH(), image.gridW()).get(0).toFloatArray();
      }
    }

    /** The image tokens the prompt holds for the image. */
    public int imageTokens(PreparedImage image) {
      return PromptLayout.imageTokenCount(image.gridH(), image.gridW(), mergeSize);
    }

    public boolean onGpu() {
      return onGpu;
    }

    @Override
    public void close() {
      module.close();
    }
  }
}
