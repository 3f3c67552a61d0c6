package io.scriptorium.pipeline.pages;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** The supported formats, recognised by their first bytes; file names are never trusted for decoding. */
enum PageFormat {
  JPEG, PNG, TIFF, BMP, GIF, WEBP, PDF;

  /** Bytes to read from the start of a file for {@link #sniff}. */
  static final int HEAD_BYTES = 1024;

  private static final byte[] PDF_MAGIC = "%PDF-".getBytes(StandardCharsets.US_ASCII);

  /** The name used in {@link PageRef#format()} and by ImageIO. */
  String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  static String id(PageFormat format) {
    return format == null ? "unknown" : format.id();
  }

  boolean multiPage() {
    return this == TIFF || this == PDF;
  }

  /** The format of content starting with {@code head[0..length)}, or null if it is none of ours. */
  static PageFormat sniff(byte[] head, int length) {
    if (startsWith(head, length, 0xFF, 0xD8, 0xFF)) {
      return JPEG;
    }
    if (startsWith(head, length, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
      return PNG;
    }
    if (startsWith(head, length, 'I', 'I', 42, 0) || startsWith(head, length, 'M', 'M', 0, 42)
        || startsWith(head, length, 'I', 'I', 43, 0) || startsWith(head, length, 'M', 'M', 0, 43)) {
      return TIFF; // classic and BigTIFF
    }
    if (startsWith(head, length, 'G', 'I', 'F', '8') && length >= 6 && (head[4] == '7' || head[4] == '9')
        && head[5] == 'a') {
      return GIF;
    }
    if (startsWith(head, length, 'R', 'I', 'F', 'F') && length >= 12
        && head[8] == 'W' && head[9] == 'E' && head[10] == 'B' && head[11] == 'P') {
      return WEBP;
    }
    if (startsWith(head, length, 'B', 'M') && length >= 18 && isDibHeaderSize(le32(head, 14))) {
      return BMP; // "BM" alone is too weak: text files start with it
    }
    if (indexOf(head, length, PDF_MAGIC) >= 0) {
      return PDF; // readers accept the header anywhere in the first 1 KiB
    }
    return null;
  }

  /** The format a file name claims, used only to word failures; null when the extension is not ours. */
  static PageFormat claimedBy(String fileName) {
    int dot = fileName.lastIndexOf('.');
    String ext = dot < 0 ? "" : fileName.substring(dot + 1).toLowerCase(Locale.ROOT);
    return switch (ext) {
      case "jpg", "jpeg", "jpe", "jfif" -> JPEG;
      case "png" -> PNG;
      case "tif", "tiff" -> TIFF;
      case "bmp", "dib" -> BMP;
      case "gif" -> GIF;
      case "webp" -> WEBP;
      case "pdf" -> PDF;
      default -> null;
    };
  }

  private static boolean isDibHeaderSize(long size) {
    return size == 12 || size == 16 || size == 40 || size == 52 || size == 56 || size == 64 || size == 108
        || size == 124;
  }

  private static long le32(byte[] b, int at) {
    return (b[at] & 0xFFL) | (b[at + 1] & 0xFFL) << 8 | (b[at + 2] & 0xFFL) << 16 | (b[at + 3] & 0xFFL) << 24;
  }

  private static boolean startsWith(byte[] head, int length, int... magic) {
    if (length < magic.length) {
      return false;
    }
    for (int i = 0; i < magic.length; i++) {
      if ((head[i] & 0xFF) != magic[i]) {
        return false;
      }
    }
    return true;
  }

  private static int indexOf(byte[] head, int length, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (head[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
