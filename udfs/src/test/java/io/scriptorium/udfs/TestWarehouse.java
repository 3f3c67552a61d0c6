package io.scriptorium.udfs;

import io.scriptorium.model.Task;
import io.scriptorium.model.TaskSpec;
import io.scriptorium.pipeline.DigitizeOptions;
import io.scriptorium.pipeline.RunSummary;
import io.scriptorium.pipeline.Scriptorium;
import io.scriptorium.pipeline.SparkTestSession;
import io.scriptorium.pipeline.warehouse.ViewsFixture;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.apache.spark.sql.SparkSession;

/**
 * One warehouse per test JVM, written by the real pipeline ({@code digitize} with the tiny model) from generated
 * pages: a magenta page whose outputs are then replaced by hostile markup (for the report), two text pages, and a
 * corrupt file (a failed page).
 */
final class TestWarehouse {
  /** The magenta of the hostile page: the report test looks for it in screenshots. */
  static final Color MAGENTA = new Color(220, 20, 200);
  static final String HOSTILE_PARSE = String.join("\n",
      "# Heading <script>document.title='pwned'</script>",
      "",
      "<img src=x onerror=\"document.title='pwned'\">",
      "",
      "<table><tr><td onclick=\"document.title='pwned'\">cell<script>document.title='pwned'</script></td>"
          + "<td><img src=x onerror=\"document.title='pwned'\"></td></tr><tr><td colspan=2>total</td></tr></table>",
      "",
      "$$\\frac{a}{</pre><script>document.title='pwned'</script>}$$");
  static final String HOSTILE_SPOT = "<img src=x onerror=\"document.title='pwned'\">";

  private static TestWarehouse instance;

  final String uri;
  final Path input;
  final RunSummary run;
  final String hostilePageId;

  private TestWarehouse(String uri, Path input, RunSummary run, String hostilePageId) {
    this.uri = uri;
    this.input = input;
    this.run = run;
    this.hostilePageId = hostilePageId;
  }

  static synchronized TestWarehouse get() {
    if (instance == null) {
      instance = build(TestSessions.get());
    }
    return instance;
  }

  private static TestWarehouse build(SparkSession spark) {
    Path input = SparkTestSession.newDirectory("pages-");
    String warehouse = SparkTestSession.newDirectory("warehouse-").toUri().toString();
    try {
      write(page(MAGENTA, "MAGENTA"), input.resolve("a-magenta.png"));
      write(page(Color.WHITE, "Invoice 2024 total 42"), input.resolve("b-invoice.png"));
      write(page(new Color(250, 248, 240), "Chapter one"), input.resolve("c-chapter.png"));
      Files.write(input.resolve("d-broken.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 1, 2, 3});
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<TaskSpec> tasks = List.of(TaskSpec.of(Task.SPOTTING), TaskSpec.of(Task.PARSE));
    RunSummary run = Scriptorium.get(spark).digitize(new DigitizeOptions(List.of(input.toUri().toString()), null, null,
        warehouse, "tests", LocalDate.of(2026, 11, 24), tasks, null));
    Scriptorium.get(spark).open(warehouse);
    ViewsFixture.ensure(spark);
    String hostile = spark.sql("SELECT page_id FROM scriptorium.pages WHERE source_uri LIKE '%a-magenta.png'")
        .first().getString(0);
    makeHostile(spark, hostile);
    return new TestWarehouse(warehouse, input, run, hostile);
  }

  /** Replaces the page's parse answer with markup that would run script if it reached a page unescaped. */
  private static void makeHostile(SparkSession spark, String pageId) {
    spark.sql("UPDATE scriptorium.raw_outputs SET text = '" + sql(HOSTILE_PARSE) + "' WHERE page_id = '" + pageId
        + "' AND task = 'parse'");
    // one more spotting line, its columns copied from the page's spotting output so it counts as current
    Set<String> outputColumns = Set.of(spark.table("scriptorium.raw_outputs").columns());
    List<String> select = new ArrayList<>();
    for (String column : spark.table("scriptorium.spots").columns()) {
      String value = switch (column) {
        case "line_no" -> "999";
        case "text" -> "'" + sql(HOSTILE_SPOT) + "'";
        case "x1", "y1" -> "20";
        case "x2" -> "300";
        case "y2" -> "60";
        case "norm_x1", "norm_y1" -> "50";
        case "norm_x2" -> "625";
        case "norm_y2" -> "167";
        case "parser_version" -> "'test'";
        default -> outputColumns.contains(column) ? "o." + column : "NULL";
      };
      select.add(value + " AS " + column);
    }
    spark.sql("INSERT INTO scriptorium.spots SELECT " + String.join(", ", select)
        + " FROM scriptorium.raw_outputs o WHERE o.page_id = '" + pageId + "' AND o.task = 'spotting'");
  }

  private static String sql(String text) {
    return text.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n");
  }

  private static BufferedImage page(Color background, String text) {
    BufferedImage image = new BufferedImage(480, 360, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(background);
    g.fillRect(0, 0, 480, 360);
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 28));
    g.drawString(text, 24, 60);
    g.setFont(new Font(Font.SERIF, Font.PLAIN, 18));
    for (int i = 0; i < 8; i++) {
      g.drawString("Line " + (i + 1) + " of the page, with words", 24, 110 + i * 28);
    }
    g.dispose();
    return image;
  }

  private static void write(BufferedImage image, Path file) throws IOException {
    ImageIO.write(image, "png", file.toFile());
  }

  static String columns(SparkSession spark, String table) {
    return Arrays.stream(spark.table(table).columns()).collect(Collectors.joining(","));
  }
}
