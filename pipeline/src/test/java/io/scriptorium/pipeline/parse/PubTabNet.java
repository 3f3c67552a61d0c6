package io.scriptorium.pipeline.parse;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The PubTabNet examples in shared/data: the full HTML (the model-output-like input) and, read independently from the
 * original JSONL annotation, the expected rows of cells (structure tokens for rows and spans, cell tokens for text).
 */
final class PubTabNet {
  record ExpectedCell(int row, String text, int rowspan, int colspan) {}

  record Example(String filename, String html, List<ExpectedCell> cells, int rows) {}

  private PubTabNet() {}

  static List<Example> examples() {
    Path dir = Samples.data().resolve("pubtabnet");
    JsonObject htmls = JsonParser.parseString(Samples.read(dir.resolve("PubTabNet_Examples.html.json")))
        .getAsJsonObject();
    List<Example> examples = new ArrayList<>();
    for (String line : Samples.lines(dir.resolve("PubTabNet_Examples.jsonl"))) {
      if (line.isBlank()) {
        continue;
      }
      JsonObject annotation = JsonParser.parseString(line).getAsJsonObject();
      String filename = annotation.get("filename").getAsString();
      JsonObject html = annotation.getAsJsonObject("html");
      List<String> structure = new ArrayList<>();
      for (JsonElement t : html.getAsJsonObject("structure").getAsJsonArray("tokens")) {
        structure.add(t.getAsString());
      }
      List<String> texts = new ArrayList<>();
      for (JsonElement cell : html.getAsJsonArray("cells")) {
        StringBuilder text = new StringBuilder();
        for (JsonElement t : cell.getAsJsonObject().getAsJsonArray("tokens")) {
          String token = t.getAsString();
          boolean inlineTag = token.length() > 1 && token.startsWith("<") && token.endsWith(">");
          if (!inlineTag) {
            text.append(token);
          }
        }
        texts.add(normalise(text.toString()));
      }
      String fullHtml = htmls.getAsJsonObject(filename).get("html").getAsString();
      examples.add(expected(filename, fullHtml, structure, texts));
    }
    return examples;
  }

  /** Walks the structure tokens: {@code <tr>} starts a row; {@code <td>} or {@code <td} attrs {@code >} a cell. */
  private static Example expected(String filename, String html, List<String> structure, List<String> texts) {
    List<ExpectedCell> cells = new ArrayList<>();
    int row = -1;
    int next = 0;
    for (int i = 0; i < structure.size(); i++) {
      String token = structure.get(i);
      if (token.equals("<tr>")) {
        row++;
      } else if (token.equals("<td>")) {
        cells.add(new ExpectedCell(row, texts.get(next++), 1, 1));
      } else if (token.equals("<td")) {
        int rowspan = 1;
        int colspan = 1;
        while (!structure.get(++i).equals(">")) {
          String attribute = structure.get(i).strip();
          int value = Integer.parseInt(attribute.replaceAll("\\D", ""));
          if (attribute.startsWith("rowspan")) {
            rowspan = value;
          } else {
            colspan = value;
          }
        }
        cells.add(new ExpectedCell(row, texts.get(next++), rowspan, colspan));
      }
    }
    return new Example(filename, html, cells, row + 1);
  }

  /** Whitespace as HTML text extraction sees it: runs of spaces (no-break ones too) collapse, ends trimmed. */
  static String normalise(String text) {
    return text.replaceAll("[ \\t\\n\\r\\f\\u00a0]+", " ").strip();
  }
}
