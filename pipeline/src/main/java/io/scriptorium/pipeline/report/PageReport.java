package io.scriptorium.pipeline.report;

import io.scriptorium.pipeline.Scriptorium;
import io.scriptorium.pipeline.ScriptoriumConf;
import io.scriptorium.pipeline.UserPredicate;
import io.scriptorium.pipeline.pages.DecodedPage;
import io.scriptorium.pipeline.pages.PageFailure;
import io.scriptorium.pipeline.pages.PageOptions;
import io.scriptorium.pipeline.pages.PageReader;
import io.scriptorium.pipeline.pages.PageRef;
import io.scriptorium.pipeline.vocab.PageStatus;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.functions;

/**
 * {@code scriptorium report}: a static HTML report of the pages a predicate selects, with each page image (re-read
 * from its source and downscaled), its spotting and figure boxes, its text, tables, formulas, and the reasons of
 * failed pages. It opens from disk without a network and runs no script.
 *
 * <pre>{@code
 * PageReport.Summary s = PageReport.write(spark, "file:/data/warehouse", "collection = 'letters'", Path.of("report"), 200);
 * }</pre>
 */
public final class PageReport {
  /** Longest side of the page images written beside the report. */
  public static final int IMAGE_MAX_SIDE = 1100;
  public static final int DEFAULT_LIMIT = 500;
  private static final String SELECTED = "scriptorium_report_selected";

  private PageReport() {}

  /**
   * What a report holds.
   *
   * @param index the report's entry page
   * @param pages pages in the report
   * @param ok pages with status ok
   * @param failed pages with another status (failed, quarantined)
   * @param images page images written
   */
  public record Summary(Path index, int pages, int ok, int failed, int images) {}

  /**
   * Writes the report.
   *
   * @param warehouse warehouse root URI
   * @param where SQL predicate over {@code scriptorium.pages} columns (source_uri, page_no, collection, batch_date,
   *     status, error_class, run_id, ...); null or blank selects every page
   * @param out local directory for the report (created; an earlier report's files there are overwritten)
   * @param limit most pages, in source_uri and page_no order
   */
  public static Summary write(SparkSession spark, String warehouse, String where, Path out, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("Invalid limit " + limit + ": must be at least 1");
    }
    String predicate = where == null || where.isBlank() ? "true" : where;
    Scriptorium.get(spark).open(warehouse);
    try {
      Files.createDirectories(out);
      List<ReportPage> pages = load(spark, predicate, limit, out);
      for (ReportPage page : pages) {
        Files.writeString(out.resolve(page.fileName()), HtmlRenderer.page(page, pages.size()), StandardCharsets.UTF_8);
      }
      Path index = out.resolve("index.html");
      Files.writeString(index, HtmlRenderer.index(pages, predicate), StandardCharsets.UTF_8);
      int ok = (int) pages.stream().filter(p -> PageStatus.OK.wireName().equals(p.status())).count();
      int images = (int) pages.stream().filter(p -> p.image() != null).count();
      return new Summary(index, pages.size(), ok, pages.size() - ok, images);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the report to " + out, e);
    }
  }

  private static List<ReportPage> load(SparkSession spark, String predicate, int limit, Path out) {
    UserPredicate.select(spark.table("scriptorium.pages"), "pages", predicate)
        .withColumn("newest", functions.row_number().over(Window.partitionBy("page_id")
            .orderBy(functions.col("processed_at").desc(), functions.col("run_id").desc())))
        .where("newest = 1")
        .orderBy("source_uri", "page_no")
        .limit(limit)
        .createOrReplaceTempView(SELECTED);
    try {
      List<Row> pageRows = spark.sql("SELECT page_id, source_uri, page_no, format, status, error_class, error_message,"
          + " width, height, collection, CAST(batch_date AS STRING), run_id FROM " + SELECTED
          + " ORDER BY source_uri, page_no").collectAsList();
      Map<String, List<ReportPage.Output>> outputs = new LinkedHashMap<>();
      for (Row r : spark.sql("SELECT o.page_id, o.task, o.text, o.finish_reason, o.model_revision"
          + " FROM scriptorium.current_outputs o LEFT SEMI JOIN " + SELECTED + " s ON o.page_id = s.page_id"
          + " WHERE o.task IS NOT NULL ORDER BY o.page_id, o.task").collectAsList()) {
        List<ReportPage.Output> list = outputs.computeIfAbsent(r.getString(0), k -> new ArrayList<>());
        if (list.stream().noneMatch(o -> o.task().equals(r.getString(1)))) {
          list.add(new ReportPage.Output(r.getString(1), r.getString(2), r.getString(3), r.getString(4)));
        }
      }
      Map<String, Map<Integer, ReportPage.SpotLine>> spots = new LinkedHashMap<>();
      for (Row r : spark.sql("SELECT s.page_id, s.line_no, s.text, s.x1, s.y1, s.x2, s.y2"
          + " FROM scriptorium.current_spots s LEFT SEMI JOIN " + SELECTED + " p ON s.page_id = p.page_id"
          + " ORDER BY s.page_id, s.line_no").collectAsList()) {
        int lineNo = r.isNullAt(1) ? -1 : r.getInt(1);
        spots.computeIfAbsent(r.getString(0), k -> new LinkedHashMap<>()).putIfAbsent(lineNo,
            new ReportPage.SpotLine(lineNo, r.getString(2), integer(r, 3), integer(r, 4), integer(r, 5), integer(r, 6)));
      }
      PageOptions options = new ScriptoriumConf(spark.conf()).pageOptions();
      List<ReportPage> pages = new ArrayList<>(pageRows.size());
      try (PageReader reader = new PageReader(spark.sparkContext().hadoopConfiguration(), options)) {
        for (Row r : pageRows) {
          int index = pages.size() + 1;
          String pageId = r.getString(0);
          Image image = image(reader, r.getString(1), r.getInt(2), r.getString(3), out, index);
          pages.add(new ReportPage(index, pageId, r.getString(1), r.getInt(2), r.getString(3), r.getString(4),
              r.getString(5), r.getString(6), integer(r, 7), integer(r, 8), r.getString(9), r.getString(10),
              r.getString(11), image.image(), image.problem(), outputs.getOrDefault(pageId, List.of()),
              new ArrayList<>(spots.getOrDefault(pageId, Map.of()).values())));
        }
      }
      return pages;
    } finally {
      spark.catalog().dropTempView(SELECTED);
    }
  }

  private record Image(ReportPage.PageImage image, String problem) {}

  /** Re-reads the page through the pipeline's reader, downscales it and writes a PNG; a problem is not fatal. */
  private static Image image(PageReader reader, String uri, int pageNo, String format, Path out, int index) {
    DecodedPage page;
    try {
      page = reader.read(new PageRef(uri, pageNo, format == null ? "unknown" : format, null, null));
    } catch (PageFailure e) {
      return new Image(null, e.getMessage());
    } catch (RuntimeException e) {
      return new Image(null, "cannot read the page: " + e);
    }
    BufferedImage scaled = downscale(page.image(), IMAGE_MAX_SIDE);
    String name = String.format(Locale.ROOT, "img/page-%04d.png", index);
    try {
      Path file = out.resolve(name);
      Files.createDirectories(file.getParent());
      if (!ImageIO.write(scaled, "png", file.toFile())) {
        return new Image(null, "no PNG writer in this JVM");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the page image " + name + " under " + out, e);
    }
    return new Image(new ReportPage.PageImage(name, scaled.getWidth(), scaled.getHeight()), null);
  }

  static BufferedImage downscale(BufferedImage image, int maxSide) {
    int w = image.getWidth();
    int h = image.getHeight();
    double scale = Math.min(1.0, (double) maxSide / Math.max(w, h));
    int sw = Math.max(1, (int) Math.round(w * scale));
    int sh = Math.max(1, (int) Math.round(h * scale));
    BufferedImage scaled = new BufferedImage(sw, sh, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = scaled.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
      g.drawImage(image, 0, 0, sw, sh, null);
    } finally {
      g.dispose();
    }
    return scaled;
  }

  private static Integer integer(Row row, int i) {
    return row.isNullAt(i) ? null : ((Number) row.get(i)).intValue();
  }
}
