package io.scriptorium.pipeline.pages;

import io.scriptorium.model.Sha256;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.MessageDigest;

/**
 * One pass over a local file: its sha256 and, for JPEG, whether the data reaches an end-of-image marker.
 *
 * <p>ImageIO decodes a truncated JPEG without failing (grey fill and a warning), so truncation is found here by
 * walking the segment structure: the file is complete when an EOI marker follows the last scan. Segments are
 * skipped by their lengths, so an EXIF thumbnail's EOI or data appended after the image (phone "motion photos")
 * does not count. A JPEG whose writer left out the EOI is therefore reported as truncated.
 */
record FileScan(String sha256, boolean jpegComplete) {

  static FileScan of(File file, boolean jpeg) throws IOException {
    MessageDigest digest = Sha256.newDigest();
    JpegWalker walker = jpeg ? new JpegWalker() : null;
    byte[] buffer = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(file.toPath())) {
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        digest.update(buffer, 0, n);
        if (walker != null) {
          walker.update(buffer, n);
        }
      }
    }
    return new FileScan(Sha256.finish(digest), walker == null || walker.ended);
  }

  /** A byte-at-a-time state machine over JPEG markers, so it can run alongside the digest. */
  private static final class JpegWalker {
    private static final int MARKER = 0;
    private static final int CODE = 1;
    private static final int LENGTH_HIGH = 2;
    private static final int LENGTH_LOW = 3;
    private static final int SKIP = 4;
    private static final int ENTROPY = 5;
    private static final int ENTROPY_FF = 6;

    private int state = MARKER;
    private int code;
    private int length;
    private long skip;
    private boolean ended;

    void update(byte[] buffer, int n) {
      for (int i = 0; i < n && !ended; i++) {
        int b = buffer[i] & 0xFF;
        switch (state) {
          case MARKER -> state = b == 0xFF ? CODE : MARKER; // tolerate junk between segments
          case CODE -> onCode(b);
          case LENGTH_HIGH -> {
            length = b << 8;
            state = LENGTH_LOW;
          }
          case LENGTH_LOW -> {
            skip = (length | b) - 2L;
            state = skip > 0 ? SKIP : afterSegment();
          }
          case SKIP -> {
            long take = Math.min(skip, n - i);
            skip -= take;
            i += (int) take - 1;
            if (skip == 0) {
              state = afterSegment();
            }
          }
          case ENTROPY -> state = b == 0xFF ? ENTROPY_FF : ENTROPY;
          case ENTROPY_FF -> {
            if (b == 0x00 || (b >= 0xD0 && b <= 0xD7)) {
              state = ENTROPY; // stuffed byte or restart marker: still scan data
            } else if (b != 0xFF) {
              onCode(b);
            }
          }
          default -> throw new IllegalStateException("state " + state);
        }
      }
    }

    private void onCode(int b) {
      code = b;
      if (b == 0xD9) {
        ended = true;
      } else if (b == 0xFF) {
        state = CODE; // fill byte
      } else if (b == 0xD8 || b == 0x01 || (b >= 0xD0 && b <= 0xD7)) {
        state = MARKER; // markers without a length
      } else {
        state = LENGTH_HIGH;
      }
    }

    private int afterSegment() {
      return code == 0xDA ? ENTROPY : MARKER;
    }
  }
}
