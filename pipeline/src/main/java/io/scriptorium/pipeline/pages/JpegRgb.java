package io.scriptorium.pipeline.pages;

import io.scriptorium.model.RgbRows;
import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import javax.imageio.ImageReader;

/**
 * JPEG to RGB the way Pillow gets it from libjpeg-turbo, ignoring embedded ICC profiles, through ImageIO: for the
 * files {@link NativeDecoder} does not take (CMYK, YCCK, 12-bit, lossless) and where it cannot load.
 *
 * <p>TwelveMonkeys colour-manages JPEGs (an embedded ICC profile, or a generic CMYK profile for CMYK and YCCK files),
 * Pillow never does. So the samples are read as stored ({@link ImageReader#readRaster}: the JDK's libjpeg decodes and
 * upsamples chroma, no colour conversion) and converted here with libjpeg's own rules:
 *
 * <ul>
 *   <li>the colour space is guessed as libjpeg-turbo's {@code default_decompress_parms} does: 1 component grey; 3
 *       components YCbCr after a JFIF marker, else per the Adobe transform (0 RGB), else per the component ids ('R',
 *       'G', 'B' is RGB), else YCbCr; 4 components YCCK when the Adobe transform is 2 (or unknown), else CMYK;
 *   <li>YCbCr to RGB and YCCK to CMYK with {@code jdcolor.c}'s fixed-point tables (16 fraction bits);
 *   <li>CMYK is inverted as Pillow assumes Adobe conventions ({@code CMYK;I}), then converted by Pillow's formula.
 * </ul>
 */
final class JpegRgb {
  enum Space { GREY, YCBCR, RGB, CMYK, YCCK }

  /**
   * What the markers before the first scan say.
   *
   * @param space the colour space libjpeg guesses
   * @param marker the start-of-frame marker: 0xC0 baseline, 0xC1 extended, 0xC2 progressive, 0xC3 lossless; 0xC9 to
   *     0xCB the same with arithmetic coding
   * @param precision bits per sample
   */
  record Frame(Space space, int marker, int precision) {
    /**
     * Whether libjpeg-turbo's own RGB output is Pillow's {@code convert("RGB")}: 8-bit lossy frames (Huffman or
     * arithmetic, sequential or progressive) in grey, YCbCr or RGB. CMYK and YCCK are not: OpenCV converts them to RGB
     * with its own formula, so they keep this class's rules.
     */
    boolean libjpegRgbIsPillows() {
      boolean lossy8 = precision == 8 && (marker == 0xC0 || marker == 0xC1 || marker == 0xC2 || marker == 0xC9
          || marker == 0xCA);
      return lossy8 && (space == Space.GREY || space == Space.YCBCR || space == Space.RGB);
    }
  }

  private static final int SCALEBITS = 16;
  private static final int ONE_HALF = 1 << (SCALEBITS - 1);
  private static final int[] CR_R = new int[256];
  private static final int[] CB_B = new int[256];
  private static final int[] CR_G = new int[256];
  private static final int[] CB_G = new int[256];

  static {
    // jdcolor.c build_ycc_rgb_table: FIX(x) = (x * 2^16 + 0.5) truncated
    int fix1402 = (int) (1.40200 * (1 << SCALEBITS) + 0.5);
    int fix1772 = (int) (1.77200 * (1 << SCALEBITS) + 0.5);
    int fix0714 = (int) (0.71414 * (1 << SCALEBITS) + 0.5);
    int fix0344 = (int) (0.34414 * (1 << SCALEBITS) + 0.5);
    for (int i = 0, x = -128; i < 256; i++, x++) {
      CR_R[i] = (fix1402 * x + ONE_HALF) >> SCALEBITS;
      CB_B[i] = (fix1772 * x + ONE_HALF) >> SCALEBITS;
      CR_G[i] = -fix0714 * x;
      CB_G[i] = -fix0344 * x + ONE_HALF;
    }
  }

  private JpegRgb() {}

  /** The file's JPEG frame, or null when its header cannot be read (the decoder then reports the damage). */
  static Frame frame(File file) throws IOException {
    try (InputStream in = Files.newInputStream(file.toPath())) {
      return frame(new DataInputStream(new BufferedInputStream(in, 1 << 14)));
    } catch (EOFException e) {
      return null;
    }
  }

  /**
   * Reads the first image of the reader's JPEG as 8-bit RGB ({@code TYPE_3BYTE_BGR}); YCbCr and RGB files are
   * converted in place, without a second full-size buffer. Returns null for data it does not handle (lossless or
   * 12-bit JPEG, an unexpected band count); the caller then reads the image the ordinary way.
   */
  static BufferedImage read(ImageReader reader, Space space) throws IOException {
    if (space == null) {
      return null;
    }
    Raster raster = reader.readRaster(0, null);
    int bands = raster.getNumBands();
    int expected = switch (space) {
      case GREY -> 1;
      case YCBCR, RGB -> 3;
      case CMYK, YCCK -> 4;
    };
    if (bands != expected || raster.getTransferType() != DataBuffer.TYPE_BYTE
        || raster.getSampleModel().getSampleSize(0) != 8) {
      return null;
    }
    int w = raster.getWidth();
    int h = raster.getHeight();
    if ((space == Space.YCBCR || space == Space.RGB) && packed(raster)) {
      byte[] data = ((DataBufferByte) raster.getDataBuffer()).getData();
      if (space == Space.YCBCR) {
        yccToBgr(data, 0, w * h);
      } else {
        rgbToBgr(data, w * h);
      }
      return Rgb.bgrImage(data, w, h);
    }
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
    byte[] dst = ((DataBufferByte) out.getRaster().getDataBuffer()).getData();
    int[] row = new int[w * bands];
    byte[] line = new byte[w * bands];
    for (int y = 0, o = 0; y < h; y++) {
      raster.getPixels(raster.getMinX(), raster.getMinY() + y, w, 1, row);
      for (int i = 0; i < row.length; i++) {
        line[i] = (byte) row[i];
      }
      for (int x = 0, p = 0; x < w; x++, p += bands, o += 3) {
        convert(space, line, p, dst, o);
      }
    }
    return out;
  }

  /** One pixel of {@code space} at {@code in[p..]} to B, G, R at {@code out[o..]}. */
  private static void convert(Space space, byte[] in, int p, byte[] out, int o) {
    switch (space) {
      case GREY -> {
        out[o] = in[p];
        out[o + 1] = in[p];
        out[o + 2] = in[p];
      }
      case RGB -> {
        out[o] = in[p + 2];
        out[o + 1] = in[p + 1];
        out[o + 2] = in[p];
      }
      case YCBCR -> {
        int y = in[p] & 0xff;
        int cb = in[p + 1] & 0xff;
        int cr = in[p + 2] & 0xff;
        out[o] = (byte) clamp(y + CB_B[cb]);
        out[o + 1] = (byte) clamp(y + ((CB_G[cb] + CR_G[cr]) >> SCALEBITS));
        out[o + 2] = (byte) clamp(y + CR_R[cr]);
      }
      case CMYK -> cmyk(255 - (in[p] & 0xff), 255 - (in[p + 1] & 0xff), 255 - (in[p + 2] & 0xff),
          255 - (in[p + 3] & 0xff), out, o);
      case YCCK -> {
        // libjpeg's ycck_cmyk_convert gives C = 255 - R' (and so on) and K as stored; Pillow inverts all four.
        int y = in[p] & 0xff;
        int cb = in[p + 1] & 0xff;
        int cr = in[p + 2] & 0xff;
        cmyk(clamp(y + CR_R[cr]), clamp(y + ((CB_G[cb] + CR_G[cr]) >> SCALEBITS)), clamp(y + CB_B[cb]),
            255 - (in[p + 3] & 0xff), out, o);
      }
      default -> throw new IllegalStateException("space " + space);
    }
  }

  /** Pillow's CMYK (after its {@code CMYK;I} inversion) to B, G, R. */
  private static void cmyk(int c, int m, int y, int k, byte[] out, int o) {
    out[o] = (byte) RgbRows.cmykToRgb(y, k);
    out[o + 1] = (byte) RgbRows.cmykToRgb(m, k);
    out[o + 2] = (byte) RgbRows.cmykToRgb(c, k);
  }

  /** libjpeg's {@code ycc_rgb_convert} over {@code pixels} interleaved Y, Cb, Cr, written back as B, G, R. */
  static void yccToBgr(byte[] data, int from, int pixels) {
    for (int i = from * 3, end = (from + pixels) * 3; i < end; i += 3) {
      int y = data[i] & 0xff;
      int cb = data[i + 1] & 0xff;
      int cr = data[i + 2] & 0xff;
      data[i] = (byte) clamp(y + CB_B[cb]);
      data[i + 1] = (byte) clamp(y + ((CB_G[cb] + CR_G[cr]) >> SCALEBITS));
      data[i + 2] = (byte) clamp(y + CR_R[cr]);
    }
  }

  private static void rgbToBgr(byte[] data, int pixels) {
    for (int i = 0, end = pixels * 3; i < end; i += 3) {
      byte r = data[i];
      data[i] = data[i + 2];
      data[i + 2] = r;
    }
  }

  private static int clamp(int v) {
    return v < 0 ? 0 : Math.min(v, 255);
  }

  /** Whether the raster is one byte array of exactly its pixels, interleaved in band order, starting at 0. */
  private static boolean packed(Raster raster) {
    if (!(raster.getSampleModel() instanceof PixelInterleavedSampleModel sm)
        || !(raster.getDataBuffer() instanceof DataBufferByte buffer) || buffer.getNumBanks() != 1) {
      return false;
    }
    int bands = raster.getNumBands();
    int[] offsets = sm.getBandOffsets();
    for (int b = 0; b < bands; b++) {
      if (offsets[b] != b) {
        return false;
      }
    }
    return sm.getPixelStride() == bands && sm.getScanlineStride() == raster.getWidth() * bands
        && raster.getSampleModelTranslateX() == 0 && raster.getSampleModelTranslateY() == 0
        && buffer.getOffset() == 0 && buffer.getData().length == raster.getWidth() * raster.getHeight() * bands;
  }

  /** libjpeg-turbo's guess (jdapimin.c default_decompress_parms) from the markers before the first scan. */
  static Frame frame(DataInputStream in) throws IOException {
    if (in.readUnsignedByte() != 0xFF || in.readUnsignedByte() != 0xD8) {
      return null;
    }
    boolean jfif = false;
    int adobeTransform = -1;
    while (true) {
      int b = in.readUnsignedByte();
      if (b != 0xFF) {
        continue; // junk between segments, as libjpeg skips it
      }
      int marker;
      do {
        marker = in.readUnsignedByte();
      } while (marker == 0xFF);
      if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
        continue;
      }
      if (marker == 0xD9 || marker == 0xDA) {
        return null; // end or scan before any frame header
      }
      int length = in.readUnsignedShort() - 2;
      if (length < 0) {
        return null;
      }
      byte[] data = new byte[length];
      in.readFully(data);
      if (marker == 0xE0 && length >= 14 && startsWith(data, "JFIF\0")) {
        jfif = true;
      } else if (marker == 0xEE && length >= 12 && startsWith(data, "Adobe")) {
        adobeTransform = data[11] & 0xff;
      } else if (isStartOfFrame(marker)) {
        if (length < 6) {
          return null;
        }
        int components = data[5] & 0xff;
        Space space = guess(components, jfif, adobeTransform, Arrays.copyOfRange(data, 6, data.length));
        return space == null ? null : new Frame(space, marker, data[0] & 0xff);
      }
    }
  }

  private static Space guess(int components, boolean jfif, int adobeTransform, byte[] componentSpecs) {
    switch (components) {
      case 1:
        return Space.GREY;
      case 3:
        if (jfif) {
          return Space.YCBCR;
        }
        if (adobeTransform >= 0) {
          return adobeTransform == 0 ? Space.RGB : Space.YCBCR;
        }
        if (componentSpecs.length >= 9 && componentSpecs[0] == 'R' && componentSpecs[3] == 'G'
            && componentSpecs[6] == 'B') {
          return Space.RGB;
        }
        return Space.YCBCR;
      case 4:
        if (adobeTransform >= 0) {
          return adobeTransform == 0 ? Space.CMYK : Space.YCCK;
        }
        return Space.CMYK;
      default:
        return null;
    }
  }

  private static boolean isStartOfFrame(int marker) {
    return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
  }

  private static boolean startsWith(byte[] data, String prefix) {
    byte[] p = prefix.getBytes(StandardCharsets.ISO_8859_1);
    if (data.length < p.length) {
      return false;
    }
    for (int i = 0; i < p.length; i++) {
      if (data[i] != p[i]) {
        return false;
      }
    }
    return true;
  }
}
