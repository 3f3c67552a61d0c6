package io.scriptorium.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The running rows: row {@code i} owns KV slot {@code i}, so the batch reads one view {@code [:, 0:n, :, 0:W]} of the
 * cache. Each row's last id and cache length live on the device between steps (a step's outputs are the next step's
 * inputs); they are uploaded again only after the rows change. Scheduler thread only.
 */
final class DecodeBatch implements AutoCloseable {
  private final TorchModule module;
  private final KvCache cache;
  private final NDManager deviceState;
  private final List<Sequence> rows = new ArrayList<>();
  private NDArray tokens;
  private NDArray lengths;

  DecodeBatch(TorchModule module, KvCache cache, NDManager deviceState) {
    this.module = module;
    this.cache = cache;
    this.deviceState = deviceState;
  }

  int size() {
    return rows.size();
  }

  boolean isEmpty() {
    return rows.isEmpty();
  }

  List<Sequence> rows() {
    return rows;
  }

  /** A prefilled sequence moves from the staging slot into slot {@code size()}. */
  void join(Sequence s) {
    try (NDManager m = module.newManager()) {
      int length = s.nextPosition();
      module.copyKv(m, cache.slot(m, rows.size(), length), cache.slot(m, cache.stagingSlot(), length));
    }
    rows.add(s);
    dropDeviceState();
  }

  /**
   * One decode step of every row: returns (next ids [B], logits [B, V], lengths + 1) in {@code m}. The caller reads
   * the ids and then calls {@link #advance}.
   */
  NDList decode(NDManager m) {
    if (tokens == null) {
      long[] last = new long[rows.size()];
      long[] length = new long[rows.size()];
      for (int r = 0; r < rows.size(); r++) {
        last[r] = rows.get(r).lastToken();
        length[r] = rows.get(r).nextPosition();
      }
      tokens = deviceState.create(last);
      lengths = deviceState.create(length);
    }
    return module.decode(m, tokens, lengths, cache.rows(m, rows.size(), width()));
  }

  /** Keeps a step's next ids and lengths on the device as the next step's inputs. */
  void advance(NDList stepOutputs) {
    dropDeviceState();
    tokens = stepOutputs.get(0);
    lengths = stepOutputs.get(2);
    tokens.attach(deviceState);
    lengths.attach(deviceState);
  }

  /** Removes finished rows; the last row moves into each freed slot, so the rows stay in slots 0..n-1. */
  void leave(Collection<Sequence> finished) {
    if (finished.isEmpty()) {
      return;
    }
    try (NDManager m = module.newManager()) {
      for (int i = rows.size() - 1; i >= 0; i--) {
        if (!finished.contains(rows.get(i))) {
          continue;
        }
        int last = rows.size() - 1;
        if (i != last) {
          Sequence moved = rows.get(last);
          int length = moved.nextPosition();
          module.copyKv(m, cache.slot(m, i, length), cache.slot(m, last, length));
          rows.set(i, moved);
        }
        rows.remove(last);
      }
    }
    dropDeviceState();
  }

  /** Drops every row (the cache contents need no clearing: columns past a row's length are masked). */
  void clear() {
    rows.clear();
    dropDeviceState();
  }

  /** Columns the step reads: every row's cached tokens plus the one it writes. */
  private int width() {
    int width = 0;
    for (Sequence s : rows) {
      width = Math.max(width, s.nextPosition() + 1);
    }
    return width;
  }

  private void dropDeviceState() {
    if (tokens != null) {
      tokens.close();
      lengths.close();
    }
    tokens = null;
    lengths = null;
  }

  @Override
  public void close() {
    clear();
    deviceState.close();
  }
}
