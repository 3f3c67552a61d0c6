package io.scriptorium.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.scriptorium.model.OcrRuntime;
import io.scriptorium.model.Task;
import io.scriptorium.model.TaskSpec;
import io.scriptorium.testing.DataTest;
import io.scriptorium.testing.SparkTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** {@code digitize} over every image and PDF of ../shared/data records every page, each failure with a reason. */
@SparkTest
@DataTest
class DigitizeSharedDataTest {
  private static final String GLOB = "*.{png,jpg,jpeg,tif,tiff,bmp,gif,webp,pdf}";

  @Test
  void everyPageOfTheSharedDataIsRecorded() throws IOException {
    SparkSession spark = SparkTestSession.get();
    Path warehouse = SparkTestSession.newDirectory("warehouse-shared-");
    long expectedPages = countPagesIndependently(SparkTestSession.sharedData());
    int loadsBefore = OcrRuntime.loadCount();

    RunSummary run = Scriptorium.get(spark).digitize(new DigitizeOptions(
        List.of(SparkTestSession.sharedData().toUri().toString()), GLOB, null, warehouse.toUri().toString(),
        "shared", LocalDate.of(2026, 11, 25), List.of(TaskSpec.of(Task.SPOTTING)), null));

    System.out.printf(Locale.ROOT, "shared data: %d files, %d pages (%d ok, %d failed %s) in %.1f s, %.2f pages/s%n",
        run.inputFiles(), run.pagesTotal(), run.pagesOk(), run.pagesFailed(), run.failuresByClass(), run.seconds(),
        run.pagesPerSecond());
    assertThat(run.pagesTotal()).isEqualTo(expectedPages);
    assertThat(run.accountedFor()).isTrue();
    assertThat(OcrRuntime.loadCount() - loadsBefore).isLessThanOrEqualTo(1);

    Scriptorium scriptorium = Scriptorium.get(spark);
    String where = " WHERE run_id = '" + run.runId() + "'";
    assertThat(scriptorium.sql(warehouse.toUri().toString(), "SELECT count(*) FROM scriptorium.pages" + where)
        .first().getLong(0)).isEqualTo(expectedPages);
    List<Row> unexplained = scriptorium.sql(warehouse.toUri().toString(),
        "SELECT source_uri FROM scriptorium.pages" + where
            + " AND status <> 'ok' AND (error_class IS NULL OR error_message IS NULL)").collectAsList();
    assertThat(unexplained).isEmpty();
    long okPages = scriptorium.sql(warehouse.toUri().toString(),
        "SELECT count(*) FROM scriptorium.pages" + where + " AND status = 'ok'").first().getLong(0);
    long outputs = scriptorium.sql(warehouse.toUri().toString(),
        "SELECT count(*) FROM scriptorium.raw_outputs" + where + " AND task = 'spotting'").first().getLong(0);
    assertThat(outputs).isEqualTo(okPages);
  }

  /** Pages counted without Scriptorium's code: PDFBox page counts, ImageIO image counts for TIFFs. */
  private static long countPagesIndependently(Path root) throws IOException {
    long pages = 0;
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : files.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith(".")).toList()) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".pdf")) {
          try (PDDocument document = Loader.loadPDF(file.toFile())) {
            pages += document.getNumberOfPages();
          } catch (IOException e) {
            pages += 1; // an unreadable PDF is recorded as one failed page
          }
        } else if (name.endsWith(".tif") || name.endsWith(".tiff")) {
          pages += tiffPages(file);
        } else if (name.matches(".*\\.(png|jpe?g|bmp|gif|webp)$")) {
          pages += 1;
        }
      }
    }
    return pages;
  }

  private static int tiffPages(Path file) throws IOException {
    try (ImageInputStream input = ImageIO.createImageInputStream(file.toFile())) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(input);
      if (!readers.hasNext()) {
        return 1;
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(input);
        return Math.max(1, reader.getNumImages(true));
      } finally {
        reader.dispose();
      }
    }
  }
}
