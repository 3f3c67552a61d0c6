package io.scriptorium.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scriptorium.testing.UnitTest;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Task names, task specs, prompt rendering and the token/position layout. */
@UnitTest
class PromptTest {
  private static Manifest manifest;

  @BeforeAll
  static void load() {
    manifest = ModelBundle.open(TestBundles.tinySpec()).manifest();
  }

  @Test
  void parsesTaskNamesAndListsValidOnes() {
    assertThat(Task.parse("parse")).isEqualTo(Task.PARSE);
    assertThat(Task.parse(" Spotting ")).isEqualTo(Task.SPOTTING);
    assertThatThrownBy(() -> Task.parse("ocr"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Unknown task 'ocr'; valid tasks: spotting, parse, formula, table, chart, text, ie, translate, "
            + "subtitles, vqa");
  }

  @Test
  void taskSpecsValidateTheirParameters() {
    assertThat(TaskSpec.of(Task.TEXT).fields()).isEmpty();
    assertThatThrownBy(() -> TaskSpec.of(Task.IE)).hasMessage("IE needs fields (got [])");
    assertThatThrownBy(() -> TaskSpec.of(Task.TRANSLATE)).hasMessage("TRANSLATE needs targetLanguage (got null)");
    assertThatThrownBy(() -> TaskSpec.of(Task.VQA)).hasMessage("VQA needs question (got null)");
    assertThatThrownBy(() -> new TaskSpec(Task.TEXT, List.of("a"), null, null))
        .hasMessage("TEXT does not take fields (got [a])");
    assertThatThrownBy(() -> new TaskSpec(Task.IE, List.of("a", " "), null, null))
        .hasMessageContaining("IE field names must not be blank");
  }

  @Test
  void rendersTemplatesWithTheirPlaceholders() {
    PromptRenderer zh = new PromptRenderer(manifest.prompts(), null);
    assertThat(zh.language()).isEqualTo(manifest.prompts().defaultLanguage());

    Prompt ie = zh.render(new TaskSpec(Task.IE, List.of("单价", "total's"), null, null));

    // the 1.0 README's wording (Latin words set off by spaces) and its field list ['key1','key2', ...]
    assertThat(ie.text()).isEqualTo("提取图片中的: ['单价',\"total's\"] 的字段内容，并按照 JSON 格式返回。");
    assertThat(ie.sha256()).isEqualTo(Sha256.hex(ie.text()));
    assertThat(zh.render(TaskSpec.of(Task.TABLE)).text()).isEqualTo("把图中的表格解析为 HTML。");

    assertThat(zh.render(new TaskSpec(Task.IE, List.of("发票号码"), null, null)).text())
        .isEqualTo("输出 发票号码 的值。");

    PromptRenderer compact = new PromptRenderer(manifest.prompts(), "zh-compact");
    assertThat(compact.render(new TaskSpec(Task.IE, List.of("发票号码"), null, null)).text()).isEqualTo("输出发票号码的值。");
    assertThat(compact.render(TaskSpec.of(Task.TABLE)).text()).isEqualTo("把图中的表格解析为HTML。");
    assertThat(compact.render(new TaskSpec(Task.TRANSLATE, List.of(), "zh", null)).text())
        .startsWith("先提取文字，再将文字内容翻译为中文。");
    assertThat(zh.render(new TaskSpec(Task.TRANSLATE, List.of(), "en", null)).text())
        .startsWith("先提取文字，再将文字内容翻译为英文。");
    assertThat(zh.render(new TaskSpec(Task.VQA, List.of(), null, "What is the total?")).text())
        .isEqualTo("What is the total?");

    PromptRenderer en = new PromptRenderer(manifest.prompts(), "en");
    assertThat(en.render(TaskSpec.of(Task.TABLE)).text()).isEqualTo("Parse the table in the image into HTML.");
    assertThat(en.render(new TaskSpec(Task.TRANSLATE, List.of(), "ZH", null)).text()).contains("into Chinese.");
    assertThatThrownBy(() -> en.render(new TaskSpec(Task.TRANSLATE, List.of(), "fr", null)))
        .hasMessageContaining("target language 'fr' is not supported")
        .hasMessageContaining("[en, zh]");
    assertThatThrownBy(() -> new PromptRenderer(manifest.prompts(), "de"))
        .hasMessageContaining("prompt language 'de' is not in the bundle");
  }

  @Test
  void pythonReprOfStrings() {
    assertThat(PromptRenderer.pythonList(List.of("a", "b c"))).isEqualTo("['a','b c']");
    assertThat(PromptRenderer.pythonRepr("it's")).isEqualTo("\"it's\"");
    assertThat(PromptRenderer.pythonRepr("both ' and \"")).isEqualTo("'both \\' and \"'");
    assertThat(PromptRenderer.pythonRepr("tab\tnew\nback\\")).isEqualTo("'tab\\tnew\\nback\\\\'");
    assertThat(PromptRenderer.pythonRepr("\u0007\u00a0é")).isEqualTo("'\\x07\\xa0é'");
  }

  @Test
  void layoutPlacesImageBlockAndXdRopePositions() {
    Manifest.Special sp = manifest.special();
    // grid 4x6 -> merged 2x3 -> 2 rows of (3 + newline) + begin + end = 10 placeholders
    PromptLayout layout = PromptLayout.build(sp, new long[] {7, 8}, 4, 6, 2);
    assertThat(layout.imageTokens()).isEqualTo(10);
    int s = layout.length();
    assertThat(s).isEqualTo(3 + 10 + 1 + 2 + 1);
    assertThat(layout.ids()[0]).isEqualTo(sp.bos());
    assertThat(layout.ids()[1]).isEqualTo(sp.systemSep());
    assertThat(layout.ids()[2]).isEqualTo(sp.imageStart());
    assertThat(layout.ids()[13]).isEqualTo(sp.imageEnd());
    assertThat(layout.ids()[s - 1]).isEqualTo(sp.user());
    long[] p = layout.positions();
    long[] axisP = java.util.Arrays.copyOfRange(p, 0, s);
    long[] axisW = java.util.Arrays.copyOfRange(p, s, 2 * s);
    long[] axisH = java.util.Arrays.copyOfRange(p, 2 * s, 3 * s);
    long[] axisT = java.util.Arrays.copyOfRange(p, 3 * s, 4 * s);
    assertThat(axisP).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16);
    // index 3 = first placeholder (image_begin) stays sequential; block 4..11; 12 (image_end row), 13 sequential
    assertThat(axisW).containsExactly(0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 12, 13, 14, 15, 16);
    assertThat(axisH).containsExactly(0, 1, 2, 3, 0, 0, 0, 0, 1, 1, 1, 1, 12, 13, 14, 15, 16);
    assertThat(axisT).containsExactly(0, 1, 2, 3, 0, 0, 0, 0, 0, 0, 0, 0, 12, 13, 14, 15, 16);
  }
}
