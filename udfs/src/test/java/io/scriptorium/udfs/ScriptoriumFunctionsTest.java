package io.scriptorium.udfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.scriptorium.testing.SparkTest;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** Every pure function through SQL, with nulls, empty and malformed arguments; and their DESCRIBE FUNCTION texts. */
@SparkTest
class ScriptoriumFunctionsTest {
  private final SparkSession spark = TestSessions.get();

  private Object scalar(String expression) {
    return spark.sql("SELECT " + expression).first().get(0);
  }

  private Row struct(String expression) {
    return (Row) scalar(expression);
  }

  @Test
  void functionsComeFromTheExtensionAndFromRegister() {
    List<String> shown = spark.sql("SHOW USER FUNCTIONS").collectAsList()
        .stream().map(r -> r.getString(0)).collect(Collectors.toList());
    assertThat(shown).containsAll(ScriptoriumFunctions.names());
    ScriptoriumFunctions.register(spark); // the programmatic way: the same functions, replaced in place
    ScriptoriumFunctions.register(spark);
    assertThat(scalar("ocr_box_area(0, 0, 2, 3)")).isEqualTo(6L);
    assertThat(ScriptoriumFunctions.names()).contains("ocr_box_area", "ocr_box_iou", "ocr_box_contains",
        "ocr_text_in_region", "ocr_page_text", "html_table_cells", "html_table_to_markdown", "latex_normalize",
        "ocr_ned", "ocr_cer", "ocr_denormalize_box", "hunyuan_ocr");
  }

  @Test
  void describeFunctionShowsUsageArgumentsAndExamples() {
    for (String name : ScriptoriumFunctions.names()) {
      String basic = describe("DESCRIBE FUNCTION " + name);
      assertThat(basic).as(name).contains("Function: " + name).contains("Usage: " + name + "(");
      assertThat(basic).as(name).doesNotContain("_FUNC_").doesNotContain("N/A");
      String extended = describe("DESCRIBE FUNCTION EXTENDED " + name);
      assertThat(extended).as(name).contains("Arguments:").contains("Examples:").contains("> SELECT ");
      assertThat(extended.substring(extended.indexOf("Examples:"))).as(name).contains(name + "(");
    }
  }

  private String describe(String sql) {
    return spark.sql(sql).collectAsList().stream().map(r -> r.getString(0)).collect(Collectors.joining("\n"));
  }

  @Test
  void wrongArgumentCountsFailAtAnalysisWithTheUsage() {
    assertThatThrownBy(() -> scalar("ocr_box_area(1, 2)"))
        .hasMessageContaining("Invalid number of arguments for ocr_box_area: 2 given, 1 or 4 expected");
    assertThatThrownBy(() -> scalar("ocr_box_iou(ocr_box(0, 0, 1, 1))"))
        .hasMessageContaining("2 or 8 expected");
  }

  @Test
  void resultColumnsAreNamedAfterTheFunction() {
    assertThat(spark.sql("SELECT ocr_box_area(0, 0, 1, 1)").columns()[0]).isEqualTo("ocr_box_area(0, 0, 1, 1)");
  }

  @Test
  void boxes() {
    assertThat(struct("ocr_box(30, 40, 10, 20)").toString()).isEqualTo("[10,20,30,40]");
    assertThat(spark.sql("SELECT ocr_box(1, 2, 3, 4) AS b").schema().simpleString())
        .isEqualTo("struct<b:struct<x1:int,y1:int,x2:int,y2:int>>");
    assertThat(scalar("ocr_box(NULL, 1, 2, 3)")).isNull();
    assertThat(scalar("ocr_box('a', 1, 2, 3)")).isNull();
    assertThat(scalar("ocr_box(1.5, 1, 2, 3)")).isNull();
    assertThat(scalar("ocr_box(CAST(3000000000 AS BIGINT), 1, 2, 3)")).isNull();
    assertThat(struct("ocr_box('7', 1.0, 2, CAST(3 AS SMALLINT))").toString()).isEqualTo("[2,1,7,3]");

    assertThat(scalar("ocr_box_area(ocr_box(0, 0, 10, 20))")).isEqualTo(200L);
    assertThat(scalar("ocr_box_area(10, 20, 0, 0)")).isEqualTo(200L);
    assertThat(scalar("ocr_box_area(named_struct('x1', 0, 'y1', 0, 'x2', 3, 'y2', CAST(4 AS BIGINT)))")).isEqualTo(12L);
    assertThat(scalar("ocr_box_area(named_struct('a', 0, 'b', 0, 'c', 3, 'd', 4))")).isEqualTo(12L); // by position
    assertThat(scalar("ocr_box_area(named_struct('a', 0, 'b', 0))")).isNull();
    assertThat(scalar("ocr_box_area(CAST(NULL AS STRUCT<x1:INT,y1:INT,x2:INT,y2:INT>))")).isNull();
    assertThat(scalar("ocr_box_area(named_struct('x1', 0, 'y1', NULL, 'x2', 3, 'y2', 4))")).isNull();
    assertThat(scalar("ocr_box_area('not a box')")).isNull();
    assertThat(scalar("ocr_box_area(0, 0, 2147483647, 2147483647)")).isEqualTo(2147483647L * 2147483647L);

    assertThat((Double) scalar("ocr_box_iou(ocr_box(0, 0, 10, 10), ocr_box(5, 0, 15, 10))")).isCloseTo(1 / 3.0,
        within(1e-12));
    assertThat(scalar("ocr_box_iou(ocr_box(0, 0, 10, 10), ocr_box(0, 0, 10, 10))")).isEqualTo(1.0);
    assertThat(scalar("ocr_box_iou(ocr_box(0, 0, 10, 10), ocr_box(20, 20, 30, 30))")).isEqualTo(0.0);
    assertThat(scalar("ocr_box_iou(0, 0, 10, 10, 10, 0, 20, 10)")).isEqualTo(0.0); // touching edges share no area
    assertThat(scalar("ocr_box_iou(ocr_box(1, 1, 1, 1), ocr_box(1, 1, 1, 1))")).isNull(); // no area at all
    assertThat(scalar("ocr_box_iou(ocr_box(0, 0, 10, 10), NULL)")).isNull();

    assertThat(scalar("ocr_box_contains(ocr_box(0, 0, 100, 100), ocr_box(10, 10, 100, 50))")).isEqualTo(true);
    assertThat(scalar("ocr_box_contains(ocr_box(0, 0, 100, 100), ocr_box(10, 10, 101, 50))")).isEqualTo(false);
    assertThat(scalar("ocr_box_contains(0, 0, 100, 100, 0, 0, 100, 100)")).isEqualTo(true);
    assertThat(scalar("ocr_box_contains(NULL, ocr_box(0, 0, 1, 1))")).isNull();

    assertThat(struct("ocr_denormalize_box(ocr_box(100, 200, 500, 1000), 2000, 1000)").toString())
        .isEqualTo("[200,200,1000,1000]");
    assertThat(struct("ocr_denormalize_box(0, 0, 1500, 999, 333, 333)").toString()).isEqualTo("[0,0,333,332]");
    assertThat(scalar("ocr_denormalize_box(ocr_box(1, 2, 3, 4), 0, 100)")).isNull();
    assertThat(scalar("ocr_denormalize_box(ocr_box(1, 2, 3, 4), NULL, 100)")).isNull();
    assertThat(scalar("ocr_denormalize_box(1, 2, 3, 4, 'wide', 100)")).isNull();
  }

  static final String SPOTS =
      "array(named_struct('line_no', 0, 'text', 'world', 'x1', 500, 'y1', 10, 'x2', 900, 'y2', 40),"
          + " named_struct('line_no', 1, 'text', 'second', 'x1', 10, 'y1', 60, 'x2', 300, 'y2', 90),"
          + " named_struct('line_no', 2, 'text', 'hello', 'x1', 10, 'y1', 12, 'x2', 400, 'y2', 38),"
          + " named_struct('line_no', 3, 'text', 'no box', 'x1', NULL, 'y1', NULL, 'x2', NULL, 'y2', NULL),"
          + " NULL)";

  @Test
  void pageTextInReadingOrder() {
    assertThat(scalar("ocr_page_text(" + SPOTS + ")")).isEqualTo("hello world\nsecond\nno box");
    assertThat(scalar("ocr_page_text("
        + "'<ref>world</ref><quad>(500,10),(900,40)</quad><ref>hello</ref><quad>(10,12),(400,38)</quad>')"))
        .isEqualTo("hello world");
    assertThat(scalar("ocr_page_text('')")).isEqualTo("");
    assertThat(scalar("ocr_page_text(array())")).isEqualTo("");
    assertThat(scalar("ocr_page_text(CAST(NULL AS STRING))")).isNull();
    assertThat(scalar("ocr_page_text(array(1, 2))")).isNull();
    assertThat(scalar("ocr_page_text(array(named_struct('x1', 1)))")).isNull(); // no text field
    assertThat(scalar("ocr_page_text(array(named_struct('text', 'a', 'box', ocr_box(0, 50, 10, 60)),"
        + " named_struct('text', 'b', 'box', ocr_box(0, 0, 10, 10))))")).isEqualTo("b\na");
  }

  @Test
  void textInRegion() {
    assertThat(scalar("ocr_text_in_region(" + SPOTS + ", ocr_box(0, 0, 1000, 50))")).isEqualTo("hello world");
    assertThat(scalar("ocr_text_in_region(" + SPOTS + ", ocr_box(0, 0, 450, 100))")).isEqualTo("hello\nsecond");
    // x < 50 holds 40/390 of 'hello' and 40/290 of 'second'
    assertThat(scalar("ocr_text_in_region(" + SPOTS + ", ocr_box(0, 0, 50, 100), 0.1)")).isEqualTo("hello\nsecond");
    assertThat(scalar("ocr_text_in_region(" + SPOTS + ", ocr_box(0, 0, 50, 100), 0.12)")).isEqualTo("second");
    assertThat(scalar("ocr_text_in_region(" + SPOTS + ", ocr_box(0, 0, 50, 100), 1.0)")).isEqualTo("");
    assertThat(scalar("ocr_text_in_region(" + SPOTS + ", ocr_box(2000, 2000, 3000, 3000))")).isEqualTo("");
    assertThat(scalar("ocr_text_in_region(" + SPOTS + ", ocr_box(0, 0, 1, 1), 1.5)")).isNull();
    assertThat(scalar("ocr_text_in_region(" + SPOTS + ", NULL)")).isNull();
    assertThat(scalar("ocr_text_in_region(NULL, ocr_box(0, 0, 1, 1))")).isNull();
    assertThat(scalar("ocr_text_in_region(" + SPOTS + ", 'top half')")).isNull();
  }

  @Test
  void tableCells() {
    List<Row> cells = spark.sql("SELECT inline(html_table_cells("
        + "'<table><tr><td rowspan=2>a</td><td>b</td></tr><tr><td>c</td></tr></table>'))").collectAsList();
    assertThat(cells.stream().map(Row::toString).toList()).containsExactly("[0,0,2,1,a]", "[0,1,1,1,b]", "[1,1,1,1,c]");
    assertThat(spark.sql("SELECT html_table_cells('<table></table>') AS c").schema().simpleString())
        .isEqualTo("struct<c:array<struct<row:int,col:int,rowspan:int,colspan:int,text:string>>>");
    // unclosed tags, a stray cell before the first row, markup and a script inside cells, a junk span
    List<Row> messy = spark.sql("SELECT inline(html_table_cells('<table><td>x<tr><td colspan=\"abc\">"
        + "<b>bold</b><script>alert(1)</script><td colspan=2>wide<tr><td>last'))").collectAsList();
    assertThat(messy.stream().map(Row::toString).toList())
        .containsExactly("[0,0,1,1,x]", "[1,0,1,1,bold]", "[1,1,1,2,wide]", "[2,0,1,1,last]");
    assertThat(scalar("size(html_table_cells('<table></table>'))")).isEqualTo(0);
    assertThat(scalar("html_table_cells('no table here')")).isNull();
    assertThat(scalar("html_table_cells('')")).isNull();
    assertThat(scalar("html_table_cells(NULL)")).isNull();
    assertThat(scalar("html_table_cells(42)")).isNull();
  }

  @Test
  void tableMarkdown() {
    assertThat(scalar("html_table_to_markdown('<table><tr><th>k</th><th>v</th></tr><tr><td>a|b</td><td>1</td></tr></table>')"))
        .isEqualTo("| k | v |\n| --- | --- |\n| a\\|b | 1 |");
    assertThat(scalar("html_table_to_markdown('<table><tr><td colspan=2>head</td></tr><tr><td>1</td><td>2</td></tr></table>')"))
        .isEqualTo("| head | |\n| --- | --- |\n| 1 | 2 |");
    assertThat(scalar("html_table_to_markdown('<table><tr><td>a\nb</td></tr></table>')")).isEqualTo("| a b |\n| --- |");
    assertThat(scalar("html_table_to_markdown('<table></table>')")).isEqualTo("");
    assertThat(scalar("html_table_to_markdown('plain text')")).isNull();
    assertThat(scalar("html_table_to_markdown(NULL)")).isNull();
  }

  @Test
  void documentTablesAndFormulas() {
    String doc = "'# Title\\n\\nSome text with $x^2$.\\n\\n<table><caption>Totals</caption><tr><td>1</td><td>2</td></tr>"
        + "</table>\\n\\n$$\\\\frac{a}{b} \\\\tag{4}$$'";
    List<Row> tables = spark.sql("SELECT inline(ocr_document_tables(" + doc + "))").collectAsList();
    assertThat(tables).hasSize(1);
    assertThat(spark.sql("SELECT inline(ocr_document_tables(" + doc + "))").columns())
        .as("the field names of scriptorium.tables").containsExactly("block_no", "caption", "html", "row_count",
            "col_count");
    assertThat(tables.get(0).getString(1)).isEqualTo("Totals");
    assertThat(tables.get(0).getString(2)).startsWith("<table>");
    assertThat(tables.get(0).getInt(3)).isEqualTo(1);
    assertThat(tables.get(0).getInt(4)).isEqualTo(2);
    List<Row> formulas = spark.sql("SELECT inline(ocr_document_formulas(" + doc + "))").collectAsList();
    assertThat(formulas.get(0).schema().fieldNames()).as("the field names of scriptorium.formulas")
        .containsExactly("block_no", "display", "latex", "equation_number", "balanced");
    assertThat(formulas.stream().map(r -> r.getString(2)).toList()).containsExactly("x^2", "\\frac{a}{b}");
    assertThat(formulas.get(0).getBoolean(1)).isFalse();
    assertThat(formulas.get(1).getBoolean(1)).isTrue();
    assertThat(formulas.get(1).getString(3)).isEqualTo("4");
    assertThat(scalar("size(ocr_document_tables(''))")).isEqualTo(0);
    assertThat(scalar("ocr_document_tables(NULL)")).isNull();
    assertThat(scalar("ocr_document_formulas(NULL)")).isNull();
    assertThat(scalar("html_table_cells(ocr_document_tables(" + doc + ")[0].html)[0].text")).isEqualTo("1");
  }

  @Test
  void latexNormalize() {
    // eval's formula normalisation (OmniDocBench): spacing, \tag, $ and spaces deleted, lower-cased
    assertThat(scalar("latex_normalize('$$\\\\frac{a}{b}\\\\quad+x^{2} \\\\tag{3}$$')")).isEqualTo("\\frac{a}{b}+x^{2}");
    assertThat(scalar("latex_normalize('\\\\[ \\\\mathrm{X} = \\\\left( a \\\\right) \\\\]')")).isEqualTo("{x}=(a)");
    assertThat(scalar("latex_normalize('α + β')")).isEqualTo("α+β");
    assertThat(scalar("latex_normalize('')")).isEqualTo("");
    assertThat(scalar("latex_normalize(NULL)")).isNull();
  }

  @Test
  void repetition() {
    // the official rule: only outputs of 8,000+ characters whose tail holds 10+ copies are cut
    Row trimmed = struct("ocr_trim_repetition(concat('Total: ', repeat('0.00 ', 2000)))");
    assertThat(trimmed.getString(0)).isEqualTo("Total: 0.00 ");
    assertThat(trimmed.getBoolean(1)).isTrue();
    assertThat(trimmed.getInt(2)).isEqualTo(5);
    assertThat(trimmed.getInt(3)).isEqualTo(2000);
    assertThat(struct("ocr_trim_repetition(concat('Total: ', repeat('0.00 ', 40)))").getBoolean(1)).isFalse();
    assertThat(struct("ocr_trim_repetition('plain')").toString()).isEqualTo("[plain,false,0,0]");
    assertThat(scalar("ocr_trim_repetition(NULL)")).isNull();
  }

  @Test
  void editDistances() {
    assertThat((Double) scalar("ocr_ned('kitten', 'sitting')")).isEqualTo(3 / 7.0);
    assertThat(scalar("ocr_ned('', '')")).isEqualTo(0.0);
    assertThat(scalar("ocr_ned('abc', '')")).isEqualTo(1.0);
    assertThat(scalar("ocr_ned('same', 'same')")).isEqualTo(0.0);
    assertThat(scalar("ocr_ned('北京市', '北京')")).isEqualTo(1 / 3.0);
    assertThat(scalar("ocr_ned('a😀', 'a😃')")).isEqualTo(0.5); // one code point each, not two chars
    assertThat(scalar("ocr_ned(NULL, 'x')")).isNull();
    assertThat(scalar("ocr_ned(repeat('x', 50001), 'x')")).isNull();
    assertThat(scalar("ocr_cer('hallo', 'hello')")).isEqualTo(0.2);
    assertThat(scalar("ocr_cer('hello world', 'hello')")).isEqualTo(6 / 5.0);
    assertThat(scalar("ocr_cer('', '')")).isEqualTo(0.0);
    assertThat(scalar("ocr_cer('x', '')")).isEqualTo(1.0); // as eval scores it
    assertThat(scalar("ocr_cer(' a  b\\n', 'a b')")).isEqualTo(0.0); // whitespace collapsed, as eval does
    assertThat(scalar("ocr_cer('', 'abcd')")).isEqualTo(1.0);
    assertThat(scalar("ocr_cer('x', NULL)")).isNull();
  }
}
