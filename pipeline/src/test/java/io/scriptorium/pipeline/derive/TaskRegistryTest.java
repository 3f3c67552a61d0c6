package io.scriptorium.pipeline.derive;

import static org.assertj.core.api.Assertions.assertThat;

import io.scriptorium.model.Task;
import io.scriptorium.pipeline.derive.DerivedRow.BlockRow;
import io.scriptorium.pipeline.derive.DerivedRow.FieldRow;
import io.scriptorium.pipeline.derive.DerivedRow.FigureRow;
import io.scriptorium.pipeline.derive.DerivedRow.FormulaRow;
import io.scriptorium.pipeline.derive.DerivedRow.SpotRow;
import io.scriptorium.pipeline.derive.DerivedRow.TableRow;
import io.scriptorium.pipeline.derive.DerivedRow.TranslationRow;
import io.scriptorium.pipeline.derive.DerivedRow.WarningRow;
import io.scriptorium.pipeline.parse.Cell;
import io.scriptorium.pipeline.parse.InlineFormula;
import io.scriptorium.testing.UnitTest;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The one registry: every task has its parser and kind, and each kind gives the rows the parsed tables hold. */
@UnitTest
class TaskRegistryTest {
  /** hunyuanocr.md §2.1, special tokens skipped. */
  private static final String SPOTS = "顺利上岸(231,392),(764,632)LAMAR(446,850),(559,878)";
  private static final String DOCUMENT = "## Results\n\nMass $ E=mc^2 $ holds.\n\n"
      + "<pFig>Figure 1</pFig><quad>(100,50),(500,250)</quad>";
  private static final String TABLE = "<table><tr><td>a</td><td colspan=\"2\">b</td></tr></table>";
  private static final TaskParameters ONE_FIELD = new TaskParameters(null, List.of("总金额"));

  @Test
  void everyTaskHasAnEntryOfItsKind() {
    Map<Task, Class<? extends ParsedOutput>> kinds = new EnumMap<>(Task.class);
    kinds.put(Task.SPOTTING, ParsedOutput.Spots.class);
    kinds.put(Task.PARSE, ParsedOutput.Document.class);
    kinds.put(Task.TRANSLATE, ParsedOutput.Translated.class);
    kinds.put(Task.TABLE, ParsedOutput.TableAnswer.class);
    kinds.put(Task.FORMULA, ParsedOutput.FormulaAnswer.class);
    kinds.put(Task.CHART, ParsedOutput.Charts.class);
    kinds.put(Task.IE, ParsedOutput.Fields.class);
    kinds.put(Task.SUBTITLES, ParsedOutput.Subtitles.class);
    kinds.put(Task.VQA, ParsedOutput.Answers.class);
    kinds.put(Task.TEXT, ParsedOutput.PlainText.class);
    assertThat(kinds.keySet()).containsExactly(Task.values());
    for (Task task : Task.values()) {
      assertThat(TaskRegistry.parse(task, null, TaskParameters.NONE)).as(task.key()).isInstanceOf(kinds.get(task));
      assertThat(TaskRegistry.byKey(task.key())).contains(task);
    }
    assertThat(TaskRegistry.byKey("PARSE")).isEmpty(); // stored names are the keys, exactly
    assertThat(TaskRegistry.byKey(null)).isEmpty();
  }

  @Test
  void spotsInPixelsWhenThePageSizeIsKnown() {
    assertThat(rows(Task.SPOTTING, SPOTS, TaskParameters.NONE, 1000, 2000).get(DerivedTable.SPOTS)).containsExactly(
        new SpotRow(0, "顺利上岸", 231, 784, 764, 1264, 231, 392, 764, 632),
        new SpotRow(1, "LAMAR", 446, 1700, 559, 1756, 446, 850, 559, 878));
    assertThat(rows(Task.SPOTTING, SPOTS, TaskParameters.NONE, null, null).get(DerivedTable.SPOTS).get(1))
        .isEqualTo(new SpotRow(1, "LAMAR", null, null, null, null, 446, 850, 559, 878));
    assertThat(DerivedRows.spotRows(SPOTS, 1000, 2000))
        .isEqualTo(rows(Task.SPOTTING, SPOTS, TaskParameters.NONE, 1000, 2000).get(DerivedTable.SPOTS));
  }

  @Test
  void documentsGiveBlocksFormulasAndFigures() {
    Map<DerivedTable, List<DerivedRow>> rows = rows(Task.PARSE, DOCUMENT, TaskParameters.NONE, 1000, 2000);
    assertThat(rows.get(DerivedTable.BLOCKS)).containsExactly(
        new BlockRow(0, "heading", 2, "Results", List.of()),
        new BlockRow(1, "paragraph", 0, "Mass $ E=mc^2 $ holds.", List.of(new InlineFormula(5, 15, "E=mc^2"))),
        new BlockRow(2, "figure", 0, "Figure 1", List.of()));
    assertThat(rows.get(DerivedTable.FORMULAS)).containsExactly(new FormulaRow(0, 1, 0, false, "E=mc^2", null, true));
    assertThat(rows.get(DerivedTable.FIGURES))
        .containsExactly(new FigureRow(0, 2, "Figure 1", 100, 100, 500, 500, 100, 50, 500, 250));
    assertThat(rows.get(DerivedTable.TABLES)).isEmpty();
    assertThat(rows.get(DerivedTable.PARSE_WARNINGS)).isEmpty();
  }

  @Test
  void translationsKeepTheLanguageAskedForAndAreDocuments() {
    Map<DerivedTable, List<DerivedRow>> rows =
        rows(Task.TRANSLATE, "## Hello\n\nWorld", new TaskParameters("zh", List.of()), null, null);
    assertThat(rows.get(DerivedTable.TRANSLATIONS)).containsExactly(new TranslationRow("zh", "## Hello\n\nWorld"));
    assertThat(rows.get(DerivedTable.BLOCKS)).extracting(r -> ((BlockRow) r).text()).containsExactly("Hello", "World");
    assertThat(rows(Task.TRANSLATE, "Hello", TaskParameters.NONE, null, null).get(DerivedTable.TRANSLATIONS))
        .containsExactly(new TranslationRow(null, "Hello")); // not recorded: null, as stored
  }

  @Test
  void tableAndFormulaAnswersGiveOneRowOrNone() {
    assertThat(rows(Task.TABLE, TABLE, TaskParameters.NONE, null, null).get(DerivedTable.TABLES)).containsExactly(
        new TableRow(0, 0, "<table><tbody><tr><td>a</td><td colspan=\"2\">b</td></tr></tbody></table>", null, 1, 3,
            List.of(new Cell(0, 0, 1, 1, "a"), new Cell(0, 1, 1, 2, "b"))));
    assertThat(rows(Task.TABLE, "no table here", TaskParameters.NONE, null, null).get(DerivedTable.TABLES)).isEmpty();
    assertThat(rows(Task.FORMULA, "$$ E=mc^2 \\tag{3} $$", TaskParameters.NONE, null, null)
        .get(DerivedTable.FORMULAS)).containsExactly(new FormulaRow(0, 0, 0, true, "E=mc^2", "3", true));
    assertThat(rows(Task.FORMULA, "", TaskParameters.NONE, null, null).get(DerivedTable.FORMULAS)).isEmpty();
  }

  @Test
  void chartsAreBlocks() {
    assertThat(rows(Task.CHART, "```mermaid\ngraph TD\n  A-->B\n```", TaskParameters.NONE, null, null)
        .get(DerivedTable.BLOCKS)).containsExactly(new BlockRow(0, "chart", 0, "graph TD\n  A-->B", List.of()));
  }

  @Test
  void fieldsAndTheBareValueOfASingleKeyPrompt() {
    assertThat(rows(Task.IE, "{\"单价\": \"3.00\", \"里程数\": 26.1}", TaskParameters.NONE, null, null)
        .get(DerivedTable.FIELDS)).containsExactly(new FieldRow(0, "单价", "3.00"), new FieldRow(1, "里程数", "26.1"));
    Map<DerivedTable, List<DerivedRow>> bare = rows(Task.IE, "￥77.10元", ONE_FIELD, null, null);
    assertThat(bare.get(DerivedTable.FIELDS)).containsExactly(new FieldRow(0, "总金额", "￥77.10元"));
    assertThat(bare.get(DerivedTable.PARSE_WARNINGS)).isEmpty(); // a bare value is the expected answer: no JSON
    Map<DerivedTable, List<DerivedRow>> several =
        rows(Task.IE, "￥77.10元", new TaskParameters(null, List.of("总金额", "单价")), null, null);
    assertThat(several.get(DerivedTable.FIELDS)).isEmpty();
    assertThat(several.get(DerivedTable.PARSE_WARNINGS)).extracting(r -> ((WarningRow) r).code())
        .contains("json_invalid");
  }

  @Test
  void textHasNoParserAndOtherAnswersOnlyWarnings() {
    assertThat(rows(Task.TEXT, "Plain page text", TaskParameters.NONE, null, null)).isEmpty();
    assertThat(rows(Task.SUBTITLES, "one\n\ntwo", TaskParameters.NONE, null, null).keySet())
        .containsExactly(DerivedTable.PARSE_WARNINGS);
    assertThat(rows(Task.VQA, "42", TaskParameters.NONE, null, null).keySet())
        .containsExactly(DerivedTable.PARSE_WARNINGS);
  }

  @Test
  void aTaskFeedsTheSameTablesWhateverItsAnswer() {
    Map<Task, String> answers = new EnumMap<>(Task.class);
    answers.put(Task.SPOTTING, SPOTS);
    answers.put(Task.PARSE, DOCUMENT + "\n\n" + TABLE);
    answers.put(Task.TRANSLATE, DOCUMENT);
    answers.put(Task.TABLE, TABLE);
    answers.put(Task.FORMULA, "$$ x $$");
    answers.put(Task.CHART, "```mermaid\ngraph TD\n```");
    answers.put(Task.IE, "{\"a\": 1}");
    answers.put(Task.SUBTITLES, "one");
    answers.put(Task.VQA, "42");
    answers.put(Task.TEXT, "text");
    for (Task task : Task.values()) {
      assertThat(rows(task, answers.get(task), ONE_FIELD, 100, 100).keySet()).as(task.key())
          .isEqualTo(rows(task, "", TaskParameters.NONE, null, null).keySet());
    }
    // what the parsed tables' MERGEs select by task
    assertThat(DerivedRows.tasksFeeding(DerivedTable.BLOCKS)).containsExactly("parse", "chart", "translate");
    assertThat(DerivedRows.tasksFeeding(DerivedTable.TABLES)).containsExactly("parse", "table", "translate");
    assertThat(DerivedRows.tasksFeeding(DerivedTable.FORMULAS)).containsExactly("parse", "formula", "translate");
    assertThat(DerivedRows.tasksFeeding(DerivedTable.FIGURES)).containsExactly("parse", "translate");
    assertThat(DerivedRows.tasksFeeding(DerivedTable.FIELDS)).containsExactly("ie");
    assertThat(DerivedRows.tasksFeeding(DerivedTable.TRANSLATIONS)).containsExactly("translate");
    assertThat(DerivedRows.tasksFeeding(DerivedTable.SPOTS)).containsExactly("spotting");
    assertThat(DerivedRows.tasksFeeding(DerivedTable.PARSE_WARNINGS)).isEqualTo(Set.of("spotting", "parse",
        "formula", "table", "chart", "ie", "translate", "subtitles", "vqa"));
  }

  private static Map<DerivedTable, List<DerivedRow>> rows(Task task, String text, TaskParameters parameters,
      Integer width, Integer height) {
    return DerivedRows.of(TaskRegistry.parse(task, text, parameters), width, height);
  }
}
