package io.scriptorium.pipeline;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.UUID;

/** Identifiers that must be the same wherever and however often they are computed. */
final class Ids {
  private static final DateTimeFormatter RUN_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss");

  private Ids() {}

  /** A page's id depends only on where it is: its source URI and page number. */
  static String pageId(String sourceUri, int pageNo) {
    return sha256Hex(sourceUri + "#" + pageNo).substring(0, 32);
  }

  static String newRunId() {
    return "run-" + LocalDateTime.now(ZoneOffset.UTC).format(RUN_TIME) + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  static String sha256Hex(String text) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
