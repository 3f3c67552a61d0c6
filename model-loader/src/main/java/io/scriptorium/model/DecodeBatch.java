package io.scriptorium.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * The running batch: rows plus one stacked KV cache {@code [L, B, KVH, S, D]} with LEFT padding. Cache arrays live in
 * a long-lived manager; every rebuild moves the old arrays into a scratch manager that is closed right after, so the
 * native memory held is always exactly the current cache. Scheduler thread only.
 */
final class DecodeBatch implements AutoCloseable {
  private static final int SEQ_AXIS = 3;
  private static final int BATCH_AXIS = 1;

  private final NDManager cacheManager;
  private final List<Sequence> rows = new ArrayList<>();
  private NDArray k;
  private NDArray v;
  private int length;

  DecodeBatch(NDManager cacheManager) {
    this.cacheManager = cacheManager;
  }

  int size() {
    return rows.size();
  }

  boolean isEmpty() {
    return rows.isEmpty();
  }

  /** Padded cache length S. */
  int length() {
    return length;
  }

  List<Sequence> rows() {
    return rows;
  }

  NDArray k() {
    return k;
  }

  NDArray v() {
    return v;
  }

  /** Adds a prefilled sequence with its own cache {@code [L, 1, KVH, S_i, D]}; the shorter side is left-padded. */
  void join(Sequence s, NDArray seqK, NDArray seqV) {
    int seqLength = (int) seqK.getShape().get(SEQ_AXIS);
    if (rows.isEmpty()) {
      seqK.attach(cacheManager);
      seqV.attach(cacheManager);
      k = seqK;
      v = seqV;
      length = seqLength;
      s.pad = 0;
      rows.add(s);
      return;
    }
    int target = Math.max(length, seqLength);
    try (NDManager scratch = cacheManager.newSubManager()) {
      moveTo(scratch, k, v, seqK, seqV);
      NDArray newK = leftPad(k, target - length, scratch)
          .concat(leftPad(seqK, target - seqLength, scratch), BATCH_AXIS);
      NDArray newV = leftPad(v, target - length, scratch)
          .concat(leftPad(seqV, target - seqLength, scratch), BATCH_AXIS);
      adopt(newK, newV);
    }
    for (Sequence row : rows) {
      row.pad += target - length;
    }
    s.pad = target - seqLength;
    length = target;
    rows.add(s);
  }

  /** Removes finished rows (index select), then drops leading columns that are padding for every remaining row. */
  void leave(Collection<Sequence> finished) {
    if (finished.isEmpty()) {
      return;
    }
    List<Sequence> kept = new ArrayList<>();
    List<Long> keptIndex = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      if (!finished.contains(rows.get(i))) {
        kept.add(rows.get(i));
        keptIndex.add((long) i);
      }
    }
    if (kept.isEmpty()) {
      clear();
      return;
    }
    int drop = kept.stream().mapToInt(r -> r.pad).min().orElse(0);
    try (NDManager scratch = cacheManager.newSubManager()) {
      moveTo(scratch, k, v);
      NDArray index = scratch.create(keptIndex.stream().mapToLong(Long::longValue).toArray());
      NDIndex rowsAndColumns = new NDIndex(":, {}, :, {}:", index, drop);
      adopt(k.get(rowsAndColumns), v.get(rowsAndColumns));
    }
    for (Sequence row : kept) {
      row.pad -= drop;
    }
    length -= drop;
    rows.clear();
    rows.addAll(kept);
  }

  /** Installs a decode step's outputs (one column longer); the old cache goes to the step's manager. */
  void advance(NDArray newK, NDArray newV, NDManager step) {
    moveTo(step, k, v);
    adopt(newK, newV);
    length++;
  }

  /** {@code [B, S + extra]}: 0 over each row's left padding, 1 elsewhere. */
  long[] attentionMask(int extra) {
    int width = length + extra;
    long[] mask = new long[rows.size() * width];
    for (int r = 0; r < rows.size(); r++) {
      Arrays.fill(mask, r * width + rows.get(r).pad, (r + 1) * width, 1L);
    }
    return mask;
  }

  /** {@code [B, 4, 1]}: each row's next position on all four axes. */
  long[] nextPositions() {
    long[] pos = new long[rows.size() * PromptLayout.AXES];
    for (int r = 0; r < rows.size(); r++) {
      Arrays.fill(pos, r * PromptLayout.AXES, (r + 1) * PromptLayout.AXES, rows.get(r).nextPosition());
    }
    return pos;
  }

  long[] lastTokens() {
    return rows.stream().mapToLong(Sequence::lastToken).toArray();
  }

  /** Drops every row and frees the cache. */
  void clear() {
    rows.clear();
    if (k != null) {
      k.close();
      v.close();
    }
    k = null;
    v = null;
    length = 0;
  }

  @Override
  public void close() {
    clear();
  }

  private void adopt(NDArray newK, NDArray newV) {
    newK.attach(cacheManager);
    newV.attach(cacheManager);
    k = newK;
    v = newV;
  }

  private static void moveTo(NDManager manager, NDArray... arrays) {
    for (NDArray array : arrays) {
      array.attach(manager);
    }
  }

  private static NDArray leftPad(NDArray x, int columns, NDManager m) {
    if (columns == 0) {
      return x;
    }
    Shape s = x.getShape();
    NDArray zeros = m.zeros(new Shape(s.get(0), s.get(1), s.get(2), columns, s.get(4)), x.getDataType());
    return zeros.concat(x, SEQ_AXIS);
  }
}
