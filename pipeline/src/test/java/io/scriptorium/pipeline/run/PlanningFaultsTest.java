package io.scriptorium.pipeline.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.scriptorium.model.Task;
import io.scriptorium.model.TaskSpec;
import io.scriptorium.pipeline.DigitizeOptions;
import io.scriptorium.pipeline.FaultyFileSystem;
import io.scriptorium.pipeline.RunSummary;
import io.scriptorium.pipeline.Scriptorium;
import io.scriptorium.pipeline.ScriptoriumConf;
import io.scriptorium.pipeline.SparkTestSession;
import io.scriptorium.pipeline.TestPages;
import io.scriptorium.pipeline.vocab.PageStatus;
import io.scriptorium.pipeline.warehouse.Warehouse;
import io.scriptorium.testing.SparkTest;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.LocalDate;
import java.util.List;
import javax.imageio.ImageIO;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.graphics.image.PDImageXObject;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What planning makes of files that fail, vanish or change behind its back (#17 items 1, 7 and 8). */
@SparkTest
class PlanningFaultsTest {
  private static final List<TaskSpec> SPOTTING = List.of(TaskSpec.of(Task.SPOTTING));

  private final SparkSession spark = SparkTestSession.get();
  private final Scriptorium scriptorium = Scriptorium.get(spark);

  @AfterEach
  void restoreSettings() {
    spark.conf().unset(ScriptoriumConf.MAX_ATTEMPTS);
    spark.conf().unset(ScriptoriumConf.PLAN_VERIFY_CONTENT);
  }

  @Test
  void aTransientListingFailureOfAThreePagePdfEndsWithThreeOkRows() throws Exception {
    spark.sparkContext().hadoopConfiguration().set("fs.faulty.impl", FaultyFileSystem.class.getName());
    spark.sparkContext().hadoopConfiguration().set("fs.faulty.impl.disable.cache", "true");
    Path input = SparkTestSession.newDirectory("listing-outage-");
    Path pdf = input.resolve("three-pages.pdf");
    try (PDDocument document = new PDDocument()) {
      for (int i = 1; i <= 3; i++) {
        PDPage page = new PDPage(new PDRectangle(480, 200));
        document.addPage(page);
        try (PDPageContentStream content = new PDPageContentStream(document, page)) {
          content.drawImage(PDImageXObject.createFromByteArray(document, TestPages.png("pdf page " + i), "p" + i),
              0, 0, 480, 200);
        }
      }
      document.save(pdf.toFile());
    }
    Path outage = Files.writeString(input.resolve("_three-pages.pdf.down"), "");
    String uri = FaultyFileSystem.uri(input);
    String warehouse = SparkTestSession.newDirectory("warehouse-listing-outage-").toUri().toString();

    RunSummary first = digitize(uri, null, warehouse, LocalDate.of(2026, 12, 1));
    assertThat(first.pagesFailed()).isEqualTo(1);
    assertThat(first.accountedFor()).as("the file that could not be opened is its one failed row").isTrue();
    assertThat(rows(warehouse)).containsExactly("1:failed:io_error:null");

    Files.delete(outage);
    RunSummary second = digitize(uri, null, warehouse, LocalDate.of(2026, 12, 2));
    assertThat(second.accountedFor()).isTrue();
    assertThat(second.outputs()).isEqualTo(3);
    assertThat(rows(warehouse)).containsExactly("1:ok:null:3", "2:ok:null:3", "3:ok:null:3");

    // The end-of-run check compares each file's listed pages with its pages rows, not the plan with itself.
    Dataset<Row> plan = spark.createDataFrame(scriptorium.sql(warehouse, "SELECT * FROM scriptorium.pages")
        .collectAsList(), spark.table("scriptorium.pages").schema());
    scriptorium.sql(warehouse, "DELETE FROM scriptorium.pages WHERE page_no = 2");
    DigitizeJob.Accounting accounting = DigitizeJob.account(spark, new Warehouse(warehouse), plan);
    assertThat(accounting.differing()).isEqualTo(1);
    assertThat(accounting.shown()).singleElement().asString().endsWith("three-pages.pdf: 3 page(s) listed, 2 recorded");
    // and the next run lists the incomplete file again
    RunSummary third = digitize(uri, null, warehouse, LocalDate.of(2026, 12, 3));
    assertThat(third.accountedFor()).isTrue();
    assertThat(third.outputs()).as("page 2's output exists: recovered, not inferred").isZero();
    assertThat(third.pagesRecovered()).isEqualTo(1);
    assertThat(rows(warehouse)).containsExactly("1:ok:null:3", "2:ok:null:3", "3:ok:null:3");
  }

  /** The newest pages row of each page: page:status:error_class:file_pages. */
  private List<String> rows(String warehouse) {
    return scriptorium.sql(warehouse, "SELECT page_no, status, error_class, file_pages FROM (SELECT *, row_number()"
        + " OVER (PARTITION BY source_uri, page_no ORDER BY processed_at DESC) AS n FROM scriptorium.pages) WHERE n = 1"
        + " ORDER BY page_no").collectAsList().stream()
        .map(r -> r.get(0) + ":" + r.get(1) + ":" + r.get(2) + ":" + r.get(3)).toList();
  }

  @Test
  void pagesWhoseOutputsAKilledRunCommittedAreRecoveredNotDeduplicated() throws Exception {
    Path input = SparkTestSession.newDirectory("recovered-");
    for (int i = 1; i <= 3; i++) {
      TestPages.write(input, "page-" + i + ".png", "recovered page " + i);
    }
    String warehouse = SparkTestSession.newDirectory("warehouse-recovered-").toUri().toString();
    assertThat(digitize(input.toUri().toString(), null, warehouse, LocalDate.of(2026, 12, 1)).outputs()).isEqualTo(3);
    // A driver killed between the raw_outputs and the pages commits leaves outputs without their pages row.
    scriptorium.sql(warehouse, "DELETE FROM scriptorium.pages WHERE source_uri LIKE '%/page-2.png'");

    RunSummary run = digitize(input.toUri().toString(), null, warehouse, LocalDate.of(2026, 12, 2));
    assertThat(run.pagesRecovered()).isEqualTo(1);
    assertThat(run.pagesDeduplicated()).isZero();
    assertThat(run.outputs()).as("the model is not run again").isZero();
    assertThat(run.pagesSkipped()).isEqualTo(2);
    assertThat(run.accountedFor()).isTrue();
    assertThat(scriptorium.sql(warehouse, "SELECT status FROM scriptorium.pages WHERE source_uri LIKE '%/page-2.png'")
        .first().getString(0)).isEqualTo(PageStatus.OK.wireName());
    assertThat(scriptorium.sql(warehouse, "SELECT pages_recovered FROM scriptorium.runs WHERE run_id = '" + run.runId()
        + "'").first().getLong(0)).isEqualTo(1);
  }

  @Test
  void aManifestRowThatCannotBeStatedIsQuarantinedAfterMaxAttempts() throws Exception {
    spark.conf().set(ScriptoriumConf.MAX_ATTEMPTS, "2");
    Path dir = SparkTestSession.newDirectory("manifest-missing-");
    Path present = TestPages.write(dir, "present.png", "a page that exists");
    String manifest = dir.resolve("manifest").toUri().toString();
    spark.createDataFrame(List.of(RowFactory.create(present.toUri().toString(), "shelf-1"),
            RowFactory.create(dir.resolve("missing.png").toUri().toString(), "shelf-2")),
        new StructType().add("source_uri", DataTypes.StringType).add("shelfmark", DataTypes.StringType))
        .write().parquet(manifest);
    String warehouse = SparkTestSession.newDirectory("warehouse-manifest-missing-").toUri().toString();

    List<String> statuses = new java.util.ArrayList<>();
    for (int night = 1; night <= 3; night++) {
      RunSummary run = digitize(null, manifest, warehouse, LocalDate.of(2026, 12, night));
      assertThat(run.accountedFor()).isTrue();
      Row missing = scriptorium.sql(warehouse, "SELECT status, attempts, error_class FROM scriptorium.current_outputs"
          + " WHERE source_uri LIKE '%/missing.png'").first();
      statuses.add(missing.getString(0) + "/" + missing.getInt(1) + "/" + missing.getString(2));
    }
    assertThat(statuses).containsExactly("failed/1/io_error", "quarantined/2/io_error", "quarantined/2/io_error");
  }

  @Test
  void verifyContentRereadsAFileRewrittenWithTheSameSizeAndTime() throws Exception {
    Path input = SparkTestSession.newDirectory("verify-content-");
    Path page = input.resolve("page.bmp");
    Files.write(page, bmp("first edition"));
    FileTime time = Files.getLastModifiedTime(page);
    String warehouse = SparkTestSession.newDirectory("warehouse-verify-content-").toUri().toString();
    String uri = input.toUri().toString();
    assertThat(digitize(uri, null, warehouse, LocalDate.of(2026, 12, 1)).outputs()).isEqualTo(1);

    byte[] second = bmp("second edition");
    assertThat(second).hasSameSizeAs(Files.readAllBytes(page));
    Files.write(page, second);
    Files.setLastModifiedTime(page, time);
    assertThat(digitize(uri, null, warehouse, LocalDate.of(2026, 12, 2)).outputs())
        .as("by default, same size and time: the file is not read again").isZero();

    spark.conf().set(ScriptoriumConf.PLAN_VERIFY_CONTENT, "true");
    RunSummary verified = digitize(uri, null, warehouse, LocalDate.of(2026, 12, 3));
    assertThat(verified.outputs()).as("verifyContent re-hashes it and infers the new content").isEqualTo(1);
    assertThat(scriptorium.sql(warehouse, "SELECT count(DISTINCT content_sha256) FROM scriptorium.pages").first()
        .getLong(0)).isEqualTo(2);
    assertThat(digitize(uri, null, warehouse, LocalDate.of(2026, 12, 4)).outputs())
        .as("unchanged content is not inferred again under verifyContent").isZero();
  }

  private RunSummary digitize(String input, String manifest, String warehouse, LocalDate night) {
    return scriptorium.digitize(new DigitizeOptions(input == null ? List.of() : List.of(input), null, manifest,
        warehouse, "faults", night, SPOTTING, null));
  }

  /** A 24-bit BMP: its size depends only on its dimensions. */
  private static byte[] bmp(String text) throws Exception {
    BufferedImage image = new BufferedImage(480, 200, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, 480, 200);
    g.setColor(Color.BLACK);
    g.drawString(text, 20, 80);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "bmp", out);
    return out.toByteArray();
  }
}
