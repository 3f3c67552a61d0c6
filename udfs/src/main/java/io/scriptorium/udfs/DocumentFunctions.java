package io.scriptorium.udfs;

import static org.apache.spark.sql.functions.udf;

import io.scriptorium.pipeline.eval.LatexNormaliser;
import io.scriptorium.pipeline.parse.Cell;
import io.scriptorium.pipeline.parse.Formula;
import io.scriptorium.pipeline.parse.OutputParsers;
import io.scriptorium.pipeline.parse.ParsedDocument;
import io.scriptorium.pipeline.parse.Table;
import io.scriptorium.pipeline.parse.Trimmed;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Tables, formulas and loops in model answers, through the pipeline's {@link OutputParsers}. */
final class DocumentFunctions {
  static final StructType CELL = new StructType()
      .add("row", DataTypes.IntegerType)
      .add("col", DataTypes.IntegerType)
      .add("rowspan", DataTypes.IntegerType)
      .add("colspan", DataTypes.IntegerType)
      .add("text", DataTypes.StringType);

  /** Field names as in scriptorium.tables, so a query reads the same with either source. */
  static final StructType TABLE = new StructType()
      .add("block_no", DataTypes.IntegerType)
      .add("caption", DataTypes.StringType)
      .add("html", DataTypes.StringType)
      .add("row_count", DataTypes.IntegerType)
      .add("col_count", DataTypes.IntegerType);

  /** Field names as in scriptorium.formulas. */
  static final StructType FORMULA = new StructType()
      .add("block_no", DataTypes.IntegerType)
      .add("display", DataTypes.BooleanType)
      .add("latex", DataTypes.StringType)
      .add("equation_number", DataTypes.StringType)
      .add("balanced", DataTypes.BooleanType);

  static final StructType TRIMMED = new StructType()
      .add("text", DataTypes.StringType)
      .add("trimmed", DataTypes.BooleanType)
      .add("unit_length", DataTypes.IntegerType)
      .add("repeats", DataTypes.IntegerType);

  private DocumentFunctions() {}

  static List<SqlFunction> functions() {
    return List.of(
        new SqlFunction("html_table_cells",
            "_FUNC_(html) - Returns the cells of the first table in the HTML as array<struct<row:int, col:int, "
                + "rowspan:int, colspan:int, text:string>>, placed on the table's slot grid as a browser would "
                + "(0-based; spans of earlier rows push cells right). The HTML is sanitised first: markup inside "
                + "cells is dropped, bad spans read as 1. NULL if html is NULL or holds no table.",
            "html - table HTML: a table-task answer, a table from ocr_document_tables, or any HTML",
            "> SELECT inline(_FUNC_('<table><tr><td rowspan=2>a</td><td>b</td></tr><tr><td>c</td></tr></table>'));\n"
                + " 0  0  2  1  a\n 0  1  1  1  b\n 1  1  1  1  c",
            Map.of(1, () -> udf((UDF1<Object, List<Row>>) html -> cells(Args.string(html)), new ArrayType(CELL, false)))),
        new SqlFunction("html_table_to_markdown",
            "_FUNC_(html) - Returns the first table in the HTML as a Markdown pipe table (first row as header; a "
                + "spanning cell's text in its top-left slot, covered slots empty; '|' and '\\' escaped, line breaks "
                + "as spaces). NULL if html is NULL or holds no table.",
            "html - table HTML (sanitised before use)",
            "> SELECT _FUNC_('<table><tr><th>k</th><th>v</th></tr><tr><td>a|b</td><td>1</td></tr></table>');\n"
                + " | k | v |\n | --- | --- |\n | a\\|b | 1 |",
            Map.of(1, () -> udf((UDF1<Object, String>) html -> markdown(Args.string(html)), DataTypes.StringType))),
        new SqlFunction("ocr_document_tables",
            "_FUNC_(markdown) - Returns the tables of a document-parsing answer as array<struct<block_no:int, "
                + "caption:string, html:string, row_count:int, col_count:int>>, html being the sanitised table. NULL if "
                + "markdown is NULL.",
            "markdown - a parse (or translate) answer",
            "> SELECT page_id, t.html FROM scriptorium.current_outputs LATERAL VIEW explode(_FUNC_(text)) x AS t "
                + "WHERE task = 'parse';",
            Map.of(1, () -> udf((UDF1<Object, List<Row>>) md -> tables(Args.string(md)), new ArrayType(TABLE, false)))),
        new SqlFunction("ocr_document_formulas",
            "_FUNC_(markdown) - Returns the formulas of a document-parsing answer, display and inline, in reading "
                + "order, as array<struct<block_no:int, display:boolean, latex:string, equation_number:string, "
                + "balanced:boolean>>. NULL if markdown is NULL.",
            "markdown - a parse (or translate) answer",
            "> SELECT _FUNC_('Energy $E = mc^2$.')[0].latex;\n E = mc^2",
            Map.of(1, () -> udf((UDF1<Object, List<Row>>) md -> formulas(Args.string(md)), new ArrayType(FORMULA, false)))),
        new SqlFunction("latex_normalize",
            "_FUNC_(latex) - Returns the formula in the canonical form that eval's formula_ned compares "
                + "(OmniDocBench's normalized_formula): surrounding whitespace, $ and newlines stripped, the content "
                + "of a \\[..\\] kept, \\tag{..}, \\hspace{..}, \\begin{..} and \\end{..} deleted, font, style "
                + "and spacing commands (\\mathrm, \\text, \\quad, ...), \\left, \\right and every space "
                + "deleted as plain substrings, lower-cased. NULL if latex is NULL.",
            "latex - a formula, with or without $..$, $$..$$ or \\[..\\] and \\tag{..}",
            "> SELECT _FUNC_('$$\\\\mathrm{X} \\\\quad = \\\\left( a \\\\right) \\\\tag{3}$$');\n {x}=(a)",
            Map.of(1, () -> udf((UDF1<Object, String>) latex -> latex(Args.string(latex)), DataTypes.StringType))),
        new SqlFunction("ocr_trim_repetition",
            "_FUNC_(text) - Returns struct<text:string, trimmed:boolean, unit_length:int, repeats:int>: the text with "
                + "a looping tail cut to one copy by HunyuanOCR's official rule (outputs of 8,000+ characters, 10+ "
                + "copies), whether anything was cut, the loop's unit length in characters and how many copies the "
                + "tail held. NULL if text is NULL.",
            "text - any model answer",
            "> SELECT _FUNC_(concat('Total: ', repeat('0.00 ', 2000))).repeats;\n 2000",
            Map.of(1, () -> udf((UDF1<Object, Row>) text -> trim(Args.string(text)), TRIMMED))));
  }

  static List<Row> cells(String html) {
    if (html == null) {
      return null;
    }
    Table table = OutputParsers.table(html);
    if (table.sanitisedHtml().isEmpty()) {
      return null;
    }
    List<Row> rows = new ArrayList<>(table.cells().size());
    for (Cell c : table.cells()) {
      rows.add(RowFactory.create(c.row(), c.col(), c.rowspan(), c.colspan(), c.text()));
    }
    return rows;
  }

  static String markdown(String html) {
    if (html == null) {
      return null;
    }
    Table table = OutputParsers.table(html);
    if (table.sanitisedHtml().isEmpty()) {
      return null;
    }
    int rows = table.rows();
    int cols = Math.max(1, table.cols());
    if (rows == 0) {
      return "";
    }
    String[][] grid = new String[rows][cols];
    for (Cell c : table.cells()) {
      if (c.row() < rows && c.col() < cols) {
        grid[c.row()][c.col()] = c.text();
      }
    }
    StringBuilder out = new StringBuilder();
    for (int r = 0; r < rows; r++) {
      if (r > 0) {
        out.append('\n');
      }
      appendRow(out, grid[r]);
      if (r == 0) {
        out.append("\n|");
        for (int c = 0; c < cols; c++) {
          out.append(" --- |");
        }
      }
    }
    return out.toString();
  }

  private static void appendRow(StringBuilder out, String[] cells) {
    out.append('|');
    for (String cell : cells) {
      String text = cell == null ? "" : cell.replace("\\", "\\\\").replace("|", "\\|").replaceAll("\\s+", " ").strip();
      out.append(' ').append(text).append(text.isEmpty() ? "|" : " |");
    }
  }

  static List<Row> tables(String markdown) {
    if (markdown == null) {
      return null;
    }
    ParsedDocument doc = OutputParsers.document(markdown);
    List<Row> rows = new ArrayList<>(doc.tables().size());
    for (Table t : doc.tables()) {
      rows.add(RowFactory.create(t.blockOrder(), t.caption(), t.sanitisedHtml(), t.rows(), t.cols()));
    }
    return rows;
  }

  static List<Row> formulas(String markdown) {
    if (markdown == null) {
      return null;
    }
    List<Row> rows = new ArrayList<>();
    for (Formula f : OutputParsers.document(markdown).formulas()) {
      rows.add(RowFactory.create(f.blockOrder(), f.display(), f.latex(), f.equationNumber(), f.balanced()));
    }
    return rows;
  }

  /** NULL stays NULL: {@link LatexNormaliser} itself reads a missing formula as empty, as OmniDocBench does. */
  static String latex(String latex) {
    return latex == null ? null : LatexNormaliser.normalise(latex);
  }

  static Row trim(String text) {
    if (text == null) {
      return null;
    }
    Trimmed t = OutputParsers.trimRepetition(text);
    return RowFactory.create(t.text(), t.trimmed(), t.unitLength(), t.repeats());
  }
}
