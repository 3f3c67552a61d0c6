package io.scriptorium.model;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.util.Map;

/**
 * The bundle's scripted module and its five methods (BUNDLE_FORMAT.md "model.pt methods"). A method is selected by a
 * marker array named {@code module_method:<name>} placed FIRST in the input list: DJL attaches the outputs to the
 * first input's manager, so every output lands in the caller's per-step manager. Not thread-safe: the scheduler thread
 * is its only user. Time spent inside TorchScript calls is accumulated for overhead figures.
 */
final class TorchModule implements AutoCloseable {
  private final Model model;
  private final Block block;
  private final ParameterStore parameters;
  private long modelNanos;

  private TorchModule(Model model) {
    this.model = model;
    this.block = model.getBlock();
    this.parameters = new ParameterStore(model.getNDManager(), false);
  }

  /** Loads model.pt of an already verified bundle. */
  static TorchModule load(ModelBundle bundle, Device device) {
    Model model = Model.newInstance("scriptorium-" + bundle.manifest().modelId(), device, "PyTorch");
    try {
      // mapLocation: a bundle exported on one device loads onto the configured one
      model.load(bundle.dir(), "model", Map.of("mapLocation", "true"));
      return new TorchModule(model);
    } catch (IOException | MalformedModelException | RuntimeException e) {
      model.close();
      throw new BundleException("DJL could not load " + bundle.modelFile() + ": " + e.getMessage(), e);
    }
  }

  /** A manager for one step's temporaries, on the model's device. */
  NDManager newManager() {
    return model.getNDManager().newSubManager();
  }

  long modelNanos() {
    return modelNanos;
  }

  /** image_embeds {@code [(gh/2)*(gw/2+1)+2, H]}. */
  NDArray visionEncode(NDManager m, float[] pixels, int gridH, int gridW) {
    int patches = gridH * gridW;
    NDArray px = m.create(pixels, new Shape(patches, pixels.length / patches));
    NDArray grid = m.create(new long[] {gridH, gridW});
    return call(m, "vision_encode", px, grid).get(0);
  }

  /** Token embeddings of {@code ids [1, T]} with the image_token rows replaced by {@code imageEmbeds}. */
  NDArray prefillEmbeds(NDManager m, long[] ids, NDArray imageEmbeds) {
    return call(m, "prefill_embeds", m.create(ids, new Shape(1, ids.length)), imageEmbeds).get(0);
  }

  /** {@code [B, 1, H]} embeddings of one id per row. */
  NDArray embedTokens(NDManager m, long[] ids) {
    return call(m, "embed_tokens", m.create(ids, new Shape(ids.length, 1))).get(0);
  }

  /** (k, v), each {@code [L, B, KVH, 0, D]} in the bundle dtype. */
  NDList emptyCache(NDManager m, int batch) {
    return call(m, "empty_cache", m.zeros(new Shape(batch), DataType.INT64));
  }

  /**
   * One forward over {@code T} new positions. Returns (logits [B, V] of the last position, new_k, new_v).
   *
   * @param positions {@code [B, 4, T]} flattened
   * @param mask {@code [B, S + T]} flattened, 1 = real key, 0 = left padding
   */
  NDList decodeStep(NDManager m, NDArray embeds, long[] positions, long[] mask, NDArray pastK, NDArray pastV) {
    Shape shape = embeds.getShape();
    int b = (int) shape.get(0);
    int t = (int) shape.get(1);
    NDArray pos = m.create(positions, new Shape(b, PromptLayout.AXES, t));
    NDArray att = m.create(mask, new Shape(b, mask.length / b));
    return call(m, "decode_step", embeds, pos, att, pastK, pastV);
  }

  private NDList call(NDManager m, String method, NDArray... inputs) {
    NDList list = new NDList(inputs.length + 1);
    NDArray marker = m.zeros(new Shape(1));
    marker.setName("module_method:" + method);
    list.add(marker);
    for (NDArray input : inputs) {
      list.add(input);
    }
    long start = System.nanoTime();
    try {
      return block.forward(parameters, list, false);
    } finally {
      modelNanos += System.nanoTime() - start;
    }
  }

  @Override
  public void close() {
    model.close();
  }
}
