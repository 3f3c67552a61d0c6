package io.scriptorium.model;

/**
 * Pillow's {@code Image.resize(size, BICUBIC)} on 8-bit RGB, reproduced bit for bit from Pillow's Resample.c:
 * separable, horizontal pass first (only over the source rows the vertical pass reads), then vertical; filter support
 * {@code 2 * max(scale, 1)} with a = -0.5; coefficients normalised in double, then fixed point with 22 fraction bits
 * (rounded half away from zero); accumulators start at one half; results clipped to 0..255.
 */
final class PillowBicubic {
  static final int PRECISION_BITS = 32 - 8 - 2;
  private static final double SUPPORT = 2.0;
  private static final double A = -0.5;

  private PillowBicubic() {}

  /** Per output pixel: first source index, tap count, and {@code ksize} fixed-point weights. */
  record Coefficients(int ksize, int[] first, int[] count, int[] weights) {}

  static double filter(double x) {
    if (x < 0.0) {
      x = -x;
    }
    if (x < 1.0) {
      return ((A + 2.0) * x - (A + 3.0)) * x * x + 1;
    }
    if (x < 2.0) {
      return (((x - 5) * x + 8) * x - 4) * A;
    }
    return 0.0;
  }

  /** precompute_coeffs + normalize_coeffs_8bpc for the box [0, inSize). */
  static Coefficients coefficients(int inSize, int outSize) {
    double scale = (double) ((float) inSize - 0.0f) / outSize;
    double filterScale = Math.max(scale, 1.0);
    double support = SUPPORT * filterScale;
    int ksize = (int) Math.ceil(support) * 2 + 1;
    int[] first = new int[outSize];
    int[] count = new int[outSize];
    int[] weights = new int[outSize * ksize];
    double[] k = new double[ksize];
    for (int xx = 0; xx < outSize; xx++) {
      double center = (xx + 0.5) * scale;
      double ss = 1.0 / filterScale;
      int xmin = (int) (center - support + 0.5);
      if (xmin < 0) {
        xmin = 0;
      }
      int xmax = (int) (center + support + 0.5);
      if (xmax > inSize) {
        xmax = inSize;
      }
      xmax -= xmin;
      double ww = 0.0;
      for (int x = 0; x < xmax; x++) {
        double w = filter((x + xmin - center + 0.5) * ss);
        k[x] = w;
        ww += w;
      }
      for (int x = 0; x < xmax; x++) {
        if (ww != 0.0) {
          k[x] /= ww;
        }
      }
      for (int x = 0; x < ksize; x++) {
        double v = x < xmax ? k[x] : 0.0;
        weights[xx * ksize + x] =
            v < 0 ? (int) (-0.5 + v * (1 << PRECISION_BITS)) : (int) (0.5 + v * (1 << PRECISION_BITS));
      }
      first[xx] = xmin;
      count[xx] = xmax;
    }
    return new Coefficients(ksize, first, count, weights);
  }

  static int clip8(int in) {
    if (in >= (1 << PRECISION_BITS << 8)) {
      return 255;
    }
    if (in <= 0) {
      return 0;
    }
    return in >> PRECISION_BITS;
  }

  /** Resizes to {@code outW x outH}; returns interleaved RGB bytes, row-major. */
  static byte[] resize(RgbRows src, int outW, int outH) {
    int inW = src.width;
    int inH = src.height;
    boolean horizontal = outW != inW;
    boolean vertical = outH != inH;
    Coefficients kv = coefficients(inH, outH);
    int rowFirst = 0;
    int rows = inH;
    if (horizontal && vertical) {
      rowFirst = kv.first()[0];
      rows = kv.first()[outH - 1] + kv.count()[outH - 1] - rowFirst;
    }
    // temp holds the (possibly horizontally resized) source rows [rowFirst, rowFirst + rows)
    int tempW = horizontal ? outW : inW;
    byte[] temp = new byte[Math.multiplyExact(Math.multiplyExact(rows, tempW), 3)];
    byte[] line = new byte[inW * 3];
    Coefficients kh = horizontal ? coefficients(inW, outW) : null;
    for (int r = 0; r < rows; r++) {
      src.read(rowFirst + r, line);
      if (horizontal) {
        horizontalRow(line, temp, r * tempW * 3, kh, outW);
      } else {
        System.arraycopy(line, 0, temp, r * tempW * 3, inW * 3);
      }
    }
    if (!vertical) {
      return temp;
    }
    byte[] out = new byte[outW * outH * 3];
    verticalPass(temp, tempW, rowFirst, kv, out, outH);
    return out;
  }

  private static void horizontalRow(byte[] in, byte[] out, int outOffset, Coefficients k, int outW) {
    int ksize = k.ksize();
    int[] w = k.weights();
    for (int xx = 0; xx < outW; xx++) {
      int xmin = k.first()[xx];
      int n = k.count()[xx];
      int base = xx * ksize;
      int s0 = 1 << (PRECISION_BITS - 1);
      int s1 = s0;
      int s2 = s0;
      for (int x = 0; x < n; x++) {
        int p = (x + xmin) * 3;
        int c = w[base + x];
        s0 += (in[p] & 0xff) * c;
        s1 += (in[p + 1] & 0xff) * c;
        s2 += (in[p + 2] & 0xff) * c;
      }
      int o = outOffset + xx * 3;
      out[o] = (byte) clip8(s0);
      out[o + 1] = (byte) clip8(s1);
      out[o + 2] = (byte) clip8(s2);
    }
  }

  private static void verticalPass(byte[] in, int width, int rowFirst, Coefficients k, byte[] out, int outH) {
    int ksize = k.ksize();
    int[] w = k.weights();
    int stride = width * 3;
    for (int yy = 0; yy < outH; yy++) {
      int ymin = k.first()[yy] - rowFirst;
      int n = k.count()[yy];
      int base = yy * ksize;
      int o = yy * stride;
      for (int xx = 0; xx < stride; xx++) {
        int s = 1 << (PRECISION_BITS - 1);
        for (int y = 0; y < n; y++) {
          s += (in[(y + ymin) * stride + xx] & 0xff) * w[base + y];
        }
        out[o + xx] = (byte) clip8(s);
      }
    }
  }
}
