package io.scriptorium.model;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.util.Map;

/**
 * The bundle's scripted module and its methods (BUNDLE_FORMAT.md "model.pt methods"). A method is selected by a
 * marker array named {@code module_method:<name>} placed FIRST in the input list: DJL attaches the outputs to the
 * first input's manager, so every output lands in the caller's manager. The scheduler thread calls the decoding
 * methods and the vision thread calls {@link #visionEncode}; the module's weights are only read, which libtorch
 * allows from several threads.
 */
final class TorchModule implements AutoCloseable {
  private final Model model;
  private final Block block;
  private final ParameterStore parameters;

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

  /** A manager for temporaries, on the model's device. */
  NDManager newManager() {
    return model.getNDManager().newSubManager();
  }

  /** image_embeds {@code [(gh/2)*(gw/2+1)+2, H]}; the grid travels as the pixel array's shape. */
  NDArray visionEncode(NDManager m, float[] pixels, int gridH, int gridW) {
    NDArray px = m.create(pixels, new Shape(gridH, gridW, pixels.length / ((long) gridH * gridW)));
    return call(m, "vision_encode", px).get(0);
  }

  /** Token embeddings {@code [1, S, H]} of {@code ids} with the image_token rows replaced by {@code imageEmbeds}. */
  NDArray prefillEmbeds(NDManager m, long[] ids, NDArray imageEmbeds) {
    return call(m, "prefill_embeds", m.create(ids, new Shape(1, ids.length)), imageEmbeds).get(0);
  }

  /**
   * One prompt chunk of {@code T} positions into a slot view whose last {@code T} columns it fills.
   *
   * @param positions {@code [1, 4, T]} flattened
   * @return (next id [1], logits [1, V]) of the chunk's last position
   */
  NDList prefillChunk(NDManager m, NDArray embeds, long[] positions, NDArray[] slot) {
    int t = (int) embeds.getShape().get(1);
    NDArray pos = m.create(positions, new Shape(1, PromptLayout.AXES, t));
    return call(m, "prefill_chunk", embeds, pos, slot[0], slot[1]);
  }

  /** One greedy step of the running rows: (next ids [B], logits [B, V], lengths + 1), all on the device. */
  NDList decode(NDManager m, NDArray tokens, NDArray lengths, NDArray[] rows) {
    return call(m, "decode", tokens, lengths, rows[0], rows[1]);
  }

  /** The zero-filled KV cache (k, v) of {@code [L, slots, KVH, slotTokens, D]} in the bundle dtype, in {@code m}. */
  NDList newKv(NDManager m, int slots, int slotTokens) {
    return call(m, "new_kv", m.zeros(new Shape(slots, slotTokens, 0)));
  }

  /** Copies one slot view into another of the same shape. */
  void copyKv(NDManager m, NDArray[] target, NDArray[] source) {
    call(m, "copy_kv", target[0], target[1], source[0], source[1]);
  }

  private NDList call(NDManager m, String method, NDArray... inputs) {
    NDList list = new NDList(inputs.length + 1);
    NDArray marker = m.zeros(new Shape(1));
    marker.setName("module_method:" + method);
    list.add(marker);
    for (NDArray input : inputs) {
      list.add(input);
    }
    return block.forward(parameters, list, false);
  }

  @Override
  public void close() {
    model.close();
  }
}
