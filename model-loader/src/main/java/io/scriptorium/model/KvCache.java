package io.scriptorium.model;

import ai.djl.Device;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * The runtime's one KV cache, allocated once: keys and values of {@code [L, slots, KVH, slotTokens, D]} in the bundle
 * dtype on the model's device (BUNDLE_FORMAT.md "The KV cache"). Slots {@code 0..n-1} hold the running rows; the
 * last slot stages the sequence being prefilled. Methods hand out views (basic slicing shares storage) that the
 * module writes in place. Scheduler thread only.
 */
final class KvCache implements AutoCloseable {
  /** Share of physical memory a CPU cache may take; the weights, activations and the JVM need the rest. */
  private static final double CPU_MEMORY_SHARE = 0.75;

  private final NDManager manager;
  private final NDArray k;
  private final NDArray v;
  private final int slots;
  private final int slotTokens;
  private final long bytes;
  /** Values stored {@code [L, slots, KVH, D, slotTokens]} (manifest runtime.v_cache = dims_first). */
  private final boolean valuesDimsFirst;

  private KvCache(NDManager manager, NDArray k, NDArray v, int slots, int slotTokens, long bytes,
      boolean valuesDimsFirst) {
    this.manager = manager;
    this.k = k;
    this.v = v;
    this.slots = slots;
    this.slotTokens = slotTokens;
    this.bytes = bytes;
    this.valuesDimsFirst = valuesDimsFirst;
  }

  /**
   * Allocates and zero-fills the cache through the module's {@code new_kv}, or fails with a message naming its size
   * and the settings that give it: on the CPU before allocating when it would take more than 3/4 of physical memory,
   * on a GPU when the allocation fails.
   */
  static KvCache allocate(TorchModule module, NDManager parent, Manifest manifest, int slots, int slotTokens) {
    Manifest.Llm llm = manifest.llm();
    String dtype = manifest.dtype();
    DataType type = dataType(dtype);
    long bytes = llm.kvBytesPerToken(type.getNumOfBytes()) * slots * slotTokens;
    Device device = parent.getDevice();
    String what = String.format(Locale.ROOT, "the KV cache of %.2f GiB (%d slots x %d tokens x %d KiB per token in %s)",
        bytes / (double) (1L << 30), slots, slotTokens, llm.kvBytesPerToken(type.getNumOfBytes()) / 1024, dtype);
    String remedy = "; lower maxBatchSize (spark.scriptorium.batch.maxSize) or maxKvTokens"
        + " (spark.scriptorium.batch.maxKvTokens)";
    if (!device.isGpu()) {
      long physical = physicalMemory();
      if (physical > 0 && bytes > CPU_MEMORY_SHARE * physical) {
        throw new IllegalStateException(what + " does not fit in this machine's " + physical / (1L << 20)
            + " MiB of memory" + remedy);
      }
    }
    NDManager manager = parent.newSubManager();
    try {
      NDList kv = module.newKv(manager, slots, slotTokens);
      return new KvCache(manager, kv.get(0), kv.get(1), slots, slotTokens, bytes, manifest.valuesDimsFirst());
    } catch (EngineException | OutOfMemoryError e) {
      manager.close();
      throw new IllegalStateException(what + " could not be allocated on " + device + ": " + e.getMessage() + remedy,
          e);
    }
  }

  int slots() {
    return slots;
  }

  int slotTokens() {
    return slotTokens;
  }

  long bytes() {
    return bytes;
  }

  /** The slot that stages prefills: the last one. */
  int stagingSlot() {
    return slots - 1;
  }

  /** Keys and values of slots {@code 0..rows-1} over token columns {@code 0..width-1}. */
  NDArray[] rows(NDManager m, int rows, int width) {
    return views(m, 0, rows, width);
  }

  /** Keys and values of one slot over token columns {@code 0..width-1}. */
  NDArray[] slot(NDManager m, int slot, int width) {
    return views(m, slot, slot + 1, width);
  }

  /** k {@code [L, n, KVH, width, D]}; v the same, or {@code [L, n, KVH, D, width]} when stored dims-first. */
  private NDArray[] views(NDManager m, int first, int last, int width) {
    NDArray kv = k.get(new NDIndex(":, {}:{}, :, 0:{}", first, last, width));
    NDArray vv = v.get(valuesDimsFirst ? new NDIndex(":, {}:{}, :, :, 0:{}", first, last, width)
        : new NDIndex(":, {}:{}, :, 0:{}", first, last, width));
    kv.attach(m);
    vv.attach(m);
    return new NDArray[] {kv, vv};
  }

  static DataType dataType(String dtype) {
    return switch (dtype) {
      case "float32" -> DataType.FLOAT32;
      case "float16" -> DataType.FLOAT16;
      case "bfloat16" -> DataType.BFLOAT16;
      default -> throw new BundleException("unsupported bundle dtype " + dtype);
    };
  }

  private static long physicalMemory() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getTotalMemorySize();
    }
    return -1;
  }

  @Override
  public void close() {
    manager.close();
  }
}
