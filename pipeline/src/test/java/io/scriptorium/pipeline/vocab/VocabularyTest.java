package io.scriptorium.pipeline.vocab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scriptorium.testing.UnitTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The stored vocabulary: wire names are unique lower_snake_case and read back to their constant, unknown names are
 * refused with the valid ones, and the README's tables of statuses and error classes are exactly the enums.
 */
@UnitTest
class VocabularyTest {
  private static final Pattern LOWER_SNAKE = Pattern.compile("[a-z]+(_[a-z]+)*");

  /** One enum of the vocabulary: its values, how it reads a wire name, and its README table's first header. */
  record Vocabulary(String column, List<? extends WireValue> values, Function<String, WireValue> fromWire) {
    @Override
    public String toString() {
      return column;
    }
  }

  static Stream<Vocabulary> vocabularies() {
    return Stream.of(
        new Vocabulary("pages.status", List.of(PageStatus.values()), PageStatus::fromWire),
        new Vocabulary("runs.status", List.of(RunState.values()), RunState::fromWire),
        new Vocabulary("pages.error_class", List.of(ErrorClass.values()), ErrorClass::fromWire));
  }

  @ParameterizedTest
  @MethodSource("vocabularies")
  void wireNamesAreUniqueLowerSnakeCaseAndReadBack(Vocabulary vocabulary) {
    List<String> names = vocabulary.values().stream().map(WireValue::wireName).toList();
    assertThat(names).doesNotHaveDuplicates().allMatch(name -> LOWER_SNAKE.matcher(name).matches());
    for (WireValue value : vocabulary.values()) {
      assertThat(vocabulary.fromWire().apply(value.wireName())).isSameAs(value);
      assertThat(value.sqlLiteral()).isEqualTo("'" + value.wireName() + "'");
    }
  }

  @ParameterizedTest
  @MethodSource("vocabularies")
  void anUnknownNameIsRefusedWithTheValidOnes(Vocabulary vocabulary) {
    String valid = String.join(", ", vocabulary.values().stream().map(WireValue::wireName).toList());
    for (String unknown : Arrays.asList("no_such_value", "", vocabulary.values().get(0).name(), null)) {
      assertThatThrownBy(() -> vocabulary.fromWire().apply(unknown))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(unknown == null ? "null" : "'" + unknown + "'")
          .hasMessageEndingWith("valid values: " + valid);
    }
  }

  @Test
  void transientClassesAreTheOnesLaterRunsRetry() {
    assertThat(ErrorClass.transientWireNames()).containsExactly(
        "io_error", "inference_error", "unexpected_error", "timeout", "executor_lost");
    assertThat(Arrays.stream(ErrorClass.values()).filter(ErrorClass::isTransient).map(ErrorClass::wireName))
        .containsExactlyElementsOf(ErrorClass.transientWireNames());
  }

  @Test
  void sqlListQuotesEachValue() {
    assertThat(WireValue.sqlList(PageStatus.FAILED, PageStatus.QUARANTINED)).isEqualTo("'failed', 'quarantined'");
  }

  /** README "Statuses and error classes": one table per column, first header cell the column, in enum order. */
  @ParameterizedTest
  @MethodSource("vocabularies")
  void readmeTableListsExactlyTheValues(Vocabulary vocabulary) throws IOException {
    List<List<String>> rows = readmeTables().get(vocabulary.column());
    assertThat(rows).as("README table of %s", vocabulary.column()).isNotNull();
    assertThat(rows.stream().map(row -> row.get(0)))
        .containsExactlyElementsOf(vocabulary.values().stream().map(WireValue::wireName).toList());
  }

  @Test
  void readmeSaysWhichErrorClassesAreTransient() throws IOException {
    Map<String, String> documented = new LinkedHashMap<>();
    readmeTables().get("pages.error_class").forEach(row -> documented.put(row.get(0), row.get(1)));
    Map<String, String> expected = new LinkedHashMap<>();
    for (ErrorClass value : ErrorClass.values()) {
      expected.put(value.wireName(), value.isTransient() ? "yes" : "no");
    }
    assertThat(documented).containsExactlyEntriesOf(expected);
  }

  private static final Pattern CELL = Pattern.compile("\\|\\s*([^|]*?)\\s*(?=\\|)");

  /** The tables of the section, by their first header cell (backticks dropped): their rows' cells, backticks dropped. */
  private static Map<String, List<List<String>>> readmeTables() throws IOException {
    String text = Files.readString(
        Paths.get(System.getProperty("scriptorium.repo.dir", "..")).resolve("README.md"), StandardCharsets.UTF_8);
    int start = text.indexOf("\n### Statuses and error classes\n");
    assertThat(start).as("README has a 'Statuses and error classes' section").isPositive();
    int end = text.indexOf("\n#", start + 1);
    Map<String, List<List<String>>> tables = new LinkedHashMap<>();
    List<List<String>> current = null;
    for (String line : text.substring(start, end < 0 ? text.length() : end).lines().toList()) {
      if (!line.startsWith("|")) {
        current = null;
        continue;
      }
      List<String> cells = new ArrayList<>();
      Matcher cell = CELL.matcher(line);
      while (cell.find()) {
        cells.add(cell.group(1).replace("`", ""));
      }
      if (current == null) {
        current = new ArrayList<>();
        assertThat(tables.put(cells.get(0), current)).as("table %s listed twice", cells.get(0)).isNull();
      } else if (!cells.get(0).startsWith("---")) {
        current.add(cells);
      }
    }
    return tables;
  }
}
