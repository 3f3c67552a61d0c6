package io.scriptorium.pipeline.warehouse;

import io.scriptorium.model.Sha256;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.UUID;

/** Identifiers that must be the same wherever and however often they are computed. */
public final class Ids {
  private static final DateTimeFormatter RUN_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss");

  private Ids() {}

  /** A page's id depends only on where it is: its source URI and page number. */
  public static String pageId(String sourceUri, int pageNo) {
    return Sha256.hex(sourceUri + "#" + pageNo).substring(0, 32);
  }

  public static String newRunId() {
    return "run-" + LocalDateTime.now(ZoneOffset.UTC).format(RUN_TIME) + "-" + UUID.randomUUID().toString().substring(0, 8);
  }
}
