package io.scriptorium.udfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.scriptorium.testing.SparkTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs every SQL statement of every notebook in {@code notebooks/}, in order, against a warehouse the pipeline wrote.
 *
 * <p>The notebooks' convention, checked here: the setup cell is tagged {@code setup}; every other code cell holds
 * only {@code spark.sql("""...""")} calls (optionally followed by {@code .show(...)}), with no Python formatting.
 */
@SparkTest
class NotebooksTest {
  private static final Pattern STATEMENT = Pattern.compile("spark\\.sql\\(\\s*\"\"\"(.*?)\"\"\"\\s*\\)", Pattern.DOTALL);
  private static final Pattern SHOW = Pattern.compile("\\.show\\([^()]*\\)");

  @TestFactory
  Stream<DynamicTest> everyNotebookStatementRuns() throws IOException {
    Path dir = Paths.get(System.getProperty("scriptorium.repo.dir", "..")).resolve("notebooks").toAbsolutePath().normalize();
    List<Path> notebooks;
    try (Stream<Path> files = Files.list(dir)) {
      notebooks = files.filter(p -> p.toString().endsWith(".ipynb")).sorted().toList();
    }
    assertThat(notebooks).as("notebooks in " + dir).hasSizeGreaterThanOrEqualTo(5);
    return notebooks.stream().map(nb -> DynamicTest.dynamicTest(nb.getFileName().toString(), () -> run(nb)));
  }

  private static void run(Path notebook) throws IOException {
    List<String> statements = statements(notebook);
    assertThat(statements).as(notebook.getFileName() + " statements").hasSizeGreaterThanOrEqualTo(4);
    SparkSession spark = TestSessions.get();
    TestWarehouse warehouse = TestWarehouse.get();
    spark.sql("SET spark.sql.session.timeZone = UTC"); // whatever the notebooks set, start from the same session
    for (String sql : statements) {
      try {
        spark.sql(sql).collectAsList();
      } catch (RuntimeException e) {
        fail(notebook.getFileName() + " (warehouse " + warehouse.uri + ") failed on:\n" + sql + "\n" + e, e);
      }
    }
  }

  static List<String> statements(Path notebook) throws IOException {
    JsonObject nb = JsonParser.parseString(Files.readString(notebook, StandardCharsets.UTF_8)).getAsJsonObject();
    List<String> statements = new ArrayList<>();
    boolean setup = false;
    for (JsonElement element : nb.getAsJsonArray("cells")) {
      JsonObject cell = element.getAsJsonObject();
      if (!"code".equals(cell.get("cell_type").getAsString())) {
        continue;
      }
      String source = source(cell.get("source"));
      if (tags(cell).contains("setup")) {
        setup = true;
        continue;
      }
      Matcher m = STATEMENT.matcher(source);
      int found = 0;
      while (m.find()) {
        statements.add(m.group(1).strip());
        found++;
      }
      String rest = SHOW.matcher(STATEMENT.matcher(source).replaceAll("")).replaceAll("").strip();
      assertThat(found).as(notebook.getFileName() + ": a code cell without spark.sql(\"\"\"...\"\"\"):\n" + source)
          .isPositive();
      assertThat(rest).as(notebook.getFileName() + ": code besides spark.sql(...) in a cell:\n" + source).isEmpty();
      assertThat(source).as(notebook.getFileName() + ": Python string formatting in SQL").doesNotContain("f\"\"\"")
          .doesNotContain(".format(");
    }
    assertThat(setup).as(notebook.getFileName() + " has a code cell tagged setup").isTrue();
    return statements;
  }

  private static String source(JsonElement source) {
    if (source.isJsonArray()) {
      StringBuilder text = new StringBuilder();
      for (JsonElement line : source.getAsJsonArray()) {
        text.append(line.getAsString());
      }
      return text.toString();
    }
    return source.getAsString();
  }

  private static List<String> tags(JsonObject cell) {
    List<String> tags = new ArrayList<>();
    JsonObject metadata = cell.getAsJsonObject("metadata");
    if (metadata != null && metadata.has("tags")) {
      JsonArray array = metadata.getAsJsonArray("tags");
      array.forEach(t -> tags.add(t.getAsString()));
    }
    return tags;
  }
}
