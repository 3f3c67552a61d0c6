package io.scriptorium.pipeline.pages;

import java.awt.image.BufferedImage;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.File;
import java.io.IOException;
import java.lang.ref.Reference;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JPEG and PNG pages through libjpeg-turbo and libpng, the libraries Pillow decodes with, by way of OpenCV's
 * {@code imdecode} ({@code org.bytedeco:opencv}: SIMD builds, natives for linux-x86_64). The JDK's libjpeg 6b has no
 * SIMD and, asked for a progressive JPEG, colour-converts and hands over the whole image once per scan (about ten
 * times); its PNG reader unpacks sub-byte samples one at a time. Here each file is decoded once, straight to B, G, R.
 *
 * <p>Only flavours whose pixels are Pillow's {@code convert("RGB")} bit for bit take this path, decided from the
 * headers ({@link JpegRgb.Frame#libjpegRgbIsPillows()}, {@link #pngIsPillows}); the rest, and every page over Pillow's
 * warning size, stay with ImageIO. It fails safe: where the library cannot load (another platform, no writable
 * cache) one warning says so and ImageIO decodes everything; a file OpenCV cannot decode goes to ImageIO, which then
 * reports the damage as before.
 */
final class NativeDecoder {
  private static final Logger LOG = LoggerFactory.getLogger(NativeDecoder.class);
  private static final long PNG_SIGNATURE = 0x89504E470D0A1A0AL;
  private static final int IHDR = 0x49484452;
  private static final int IDAT = 0x49444154;
  private static final int IEND = 0x49454E44;
  private static final int ACTL = 0x6163544C;

  private NativeDecoder() {}

  /** Loaded on first use, once per JVM. */
  private static final class Library {
    static final String DESCRIPTION = load(() -> Codec.load()); // a lambda: Codec resolves inside load's try
  }

  /** Whether the native decoder is usable in this JVM; the first call loads it (and warns once if it cannot). */
  static boolean available() {
    return Library.DESCRIPTION != null;
  }

  /** Its versions, e.g. "libjpeg-turbo 3.1.2-70, libpng 1.6.53 (OpenCV 4.13.0, org.bytedeco)"; null if not loaded. */
  static String description() {
    return Library.DESCRIPTION;
  }

  /**
   * Runs {@code loader} and returns its description; on failure logs one warning and returns null, never throws: a
   * machine without the native library decodes every page with ImageIO.
   */
  static String load(Supplier<String> loader) {
    try {
      String description = loader.get();
      LOG.info("JPEG/PNG pages decoded by {}", description);
      return description;
    } catch (LinkageError | RuntimeException e) {
      LOG.warn("Native JPEG/PNG decoding (OpenCV) is unavailable on {} {}: {}; ImageIO decodes every page (same"
          + " pixels, JPEG about 3x slower)", System.getProperty("os.name"), System.getProperty("os.arch"),
          Problem.describe(e));
      return null;
    }
  }

  /**
   * The whole file decoded to a {@code TYPE_3BYTE_BGR} image of {@code width x height}, or null when the library is
   * unavailable, OpenCV cannot decode the file, or decodes another size (the caller then uses ImageIO).
   */
  static BufferedImage decode(File file, int width, int height) throws IOException {
    if (!available()) {
      return null;
    }
    try {
      return Codec.decode(file, width, height);
    } catch (RuntimeException e) {
      LOG.debug("OpenCV could not decode {}: {}; ImageIO reads it", file, Problem.describe(e));
      return null;
    }
  }

  /**
   * Whether libpng's RGB for this PNG is Pillow's: at most 8 bits a sample (Pillow clips 16-bit grey to 255 where
   * libpng keeps the high byte) and not animated (an APNG's first frame need not be its default image). False for
   * anything that is not a readable PNG header.
   */
  static boolean pngIsPillows(File file) throws IOException {
    try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file.toPath()),
        1 << 13))) {
      if (in.readLong() != PNG_SIGNATURE) {
        return false;
      }
      int bitDepth = 0;
      while (true) {
        long length = in.readInt() & 0xFFFFFFFFL;
        int type = in.readInt();
        if (type == IHDR && length >= 13) {
          in.skipNBytes(8); // width, height
          bitDepth = in.readUnsignedByte();
          in.skipNBytes(length - 9 + 4); // the rest and the CRC
        } else if (type == ACTL) {
          return false;
        } else if (type == IDAT || type == IEND) {
          return bitDepth >= 1 && bitDepth <= 8;
        } else {
          in.skipNBytes(length + 4);
        }
      }
    } catch (EOFException e) {
      return false;
    }
  }

  /** Everything that touches OpenCV's classes, so that a missing jar fails in {@link #load}, not in class loading. */
  private static final class Codec {
    private static final int FLAGS = opencv_imgcodecs.IMREAD_COLOR | opencv_imgcodecs.IMREAD_IGNORE_ORIENTATION;

    static String load() {
      // JavaCPP's memory accounting calls System.gc() and sleeps (up to a second) before any native allocation once
      // the process's resident memory passes 4 x the heap: executors whose memory is mostly libtorch would stall on
      // every page. Nothing here waits for the garbage collector (buffers are freed when decoded), so it is off
      // unless the JVM was started with a setting of its own.
      if (System.getProperty("org.bytedeco.javacpp.maxBytes") == null
          && System.getProperty("org.bytedeco.javacpp.maxbytes") == null) {
        System.setProperty("org.bytedeco.javacpp.maxBytes", "0");
      }
      Loader.load(opencv_imgcodecs.class);
      String build = opencv_core.getBuildInformation().getString();
      return String.format(Locale.ROOT, "libjpeg-turbo %s, libpng %s (OpenCV %s, org.bytedeco)",
          version(build, "JPEG:\\s+build-libjpeg-turbo \\(ver ([^)]+)\\)"),
          version(build, "PNG:\\s+build \\(ver ([^)]+)\\)"), opencv_core.CV_VERSION());
    }

    private static String version(String build, String regex) {
      Matcher m = Pattern.compile(regex).matcher(build);
      return m.find() ? m.group(1) : "(unknown version)";
    }

    static BufferedImage decode(File file, int width, int height) throws IOException {
      MappedByteBuffer data;
      try (FileChannel channel = FileChannel.open(file.toPath(), StandardOpenOption.READ)) {
        long size = channel.size();
        if (size == 0 || size > Integer.MAX_VALUE) {
          return null;
        }
        data = channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
      }
      try (BytePointer bytes = new BytePointer(data);
          Mat in = new Mat(1, data.capacity(), opencv_core.CV_8UC1, bytes);
          Mat out = opencv_imgcodecs.imdecode(in, FLAGS)) {
        if (out.empty() || out.cols() != width || out.rows() != height || out.type() != opencv_core.CV_8UC3
            || !out.isContinuous()) {
          return null;
        }
        byte[] bgr = new byte[width * height * 3]; // pages over 2^31 / 3 pixels never come here (Pillow's limit)
        out.data().get(bgr);
        return Rgb.bgrImage(bgr, width, height);
      } finally {
        Reference.reachabilityFence(data); // mapped until OpenCV is done with it
      }
    }
  }
}
