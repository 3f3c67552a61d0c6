package io.scriptorium.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** float32 little-endian bytes, the layout the goldens hash. */
final class PixelBytes {
  private PixelBytes() {}

  static byte[] of(float[] values) {
    ByteBuffer buffer = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    buffer.asFloatBuffer().put(values);
    return buffer.array();
  }
}
