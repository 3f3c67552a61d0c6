package io.scriptorium.pipeline.report;

import java.util.List;
import java.util.Locale;

/**
 * One selected page with everything the report shows about it.
 *
 * @param index 1-based position in the report (names its files)
 * @param image the page image written beside the report, or null with {@code imageProblem} saying why
 * @param outputs the current output of each task, in task order
 * @param spots the current spotting lines, boxes in source pixels
 */
record ReportPage(
    int index,
    String pageId,
    String sourceUri,
    int pageNo,
    String format,
    String status,
    String errorClass,
    String errorMessage,
    Integer width,
    Integer height,
    String collection,
    String batchDate,
    String runId,
    PageImage image,
    String imageProblem,
    List<Output> outputs,
    List<SpotLine> spots) {

  ReportPage {
    outputs = outputs == null ? List.of() : List.copyOf(outputs);
    spots = spots == null ? List.of() : List.copyOf(spots);
  }

  /** A task's current raw output. */
  record Output(String task, String text, String finishReason, String modelRevision) {}

  /** A spotting line; the box is null when the model wrote none. */
  record SpotLine(int lineNo, String text, Integer x1, Integer y1, Integer x2, Integer y2) {
    boolean boxed() {
      return x1 != null && y1 != null && x2 != null && y2 != null;
    }
  }

  /** A page image file relative to the report directory, with its size in pixels. */
  record PageImage(String path, int width, int height) {}

  String fileName() {
    return fileName(index);
  }

  static String fileName(int index) {
    return String.format(Locale.ROOT, "page-%04d.html", index);
  }
}
