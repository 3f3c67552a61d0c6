package io.scriptorium.pipeline;

import com.google.gson.FieldNamingPolicy;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.gson.JsonSerializer;
import io.scriptorium.model.Task;
import io.scriptorium.pipeline.parse.BlockKind;
import io.scriptorium.pipeline.parse.Box;
import io.scriptorium.pipeline.parse.Field;
import io.scriptorium.pipeline.parse.Figure;
import io.scriptorium.pipeline.parse.Formula;
import io.scriptorium.pipeline.parse.OutputParsers;
import io.scriptorium.pipeline.parse.ParseResult;
import io.scriptorium.pipeline.parse.ParsedDocument;
import io.scriptorium.pipeline.parse.Spot;
import io.scriptorium.pipeline.parse.Table;
import io.scriptorium.pipeline.parse.Translation;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * One raw output parsed and printed as JSON, for {@code scriptorium parse}: what the parsers make of an answer, without
 * Spark. Keys are the records' components in snake_case, plus {@code task}, {@code parser_version} and
 * {@code warnings}; boxes stay on the 0..1000 grid, and gain a {@code pixel_box} when the page size is given.
 */
public final class ParsedOutputJson {
  private static final Gson GSON = new GsonBuilder()
      .setFieldNamingPolicy(FieldNamingPolicy.LOWER_CASE_WITH_UNDERSCORES)
      .registerTypeAdapter(BlockKind.class, (JsonSerializer<BlockKind>)
          (kind, type, context) -> new JsonPrimitive(kind.name().toLowerCase(Locale.ROOT)))
      .serializeNulls()
      .disableHtmlEscaping()
      .setPrettyPrinting()
      .create();

  private ParsedOutputJson() {}

  /**
   * Parses {@code text} as an answer to {@code task} and returns the records as pretty-printed JSON.
   *
   * @param task a task name (spotting, parse, formula, table, chart, text, ie, translate, subtitles, vqa)
   * @param text the raw model output
   * @param targetLanguage translate only: the language the prompt asked for; may be null
   * @param key ie only: the key of a single-key prompt, for an answer that is a bare value; may be null
   * @param width page width in pixels, or null
   * @param height page height in pixels, or null
   * @throws IllegalArgumentException for an unknown task, or only one of width and height
   */
  public static String render(String task, String text, String targetLanguage, String key, Integer width,
      Integer height) {
    if ((width == null) != (height == null)) {
      throw new IllegalArgumentException("Give both --width and --height, or neither");
    }
    String name = Task.parse(task).name().toLowerCase(Locale.ROOT);
    JsonObject out = new JsonObject();
    out.addProperty("task", name);
    out.addProperty("parser_version", OutputParsers.PARSER_VERSION);
    switch (name) {
      case "spotting" -> {
        ParseResult<Spot> spots = OutputParsers.spotting(text);
        out.add("spots", withPixels(spots.records(), Spot::box, width, height));
        out.add("warnings", GSON.toJsonTree(spots.warnings()));
      }
      case "parse" -> document(OutputParsers.document(text), width, height, out);
      case "translate" -> {
        Translation translation = OutputParsers.translation(text, targetLanguage);
        out.addProperty("language", translation.language());
        document(translation.document(), width, height, out);
      }
      case "table" -> {
        Table table = OutputParsers.table(text);
        out.add("table", GSON.toJsonTree(table));
        out.add("warnings", GSON.toJsonTree(table.warnings()));
      }
      case "formula" -> {
        Formula formula = OutputParsers.formula(text);
        out.add("formula", GSON.toJsonTree(formula));
        out.add("warnings", GSON.toJsonTree(formula.warnings()));
      }
      case "ie" -> {
        ParseResult<Field> fields = OutputParsers.fields(text);
        String answer = OutputParsers.trimRepetition(text).text().strip();
        if (fields.records().isEmpty() && key != null && !key.isBlank() && !answer.isEmpty()) {
          out.add("fields", GSON.toJsonTree(List.of(new Field(key.strip(), answer))));
        } else {
          out.add("fields", GSON.toJsonTree(fields.records()));
        }
        out.add("warnings", GSON.toJsonTree(fields.warnings()));
      }
      case "chart" -> result("charts", OutputParsers.chart(text), out);
      case "subtitles" -> result("lines", OutputParsers.subtitles(text), out);
      case "vqa" -> result("answers", OutputParsers.vqa(text), out);
      default -> out.add("trimmed", GSON.toJsonTree(OutputParsers.trimRepetition(text))); // text: no parser
    }
    return GSON.toJson(out);
  }

  private static void document(ParsedDocument doc, Integer width, Integer height, JsonObject out) {
    out.add("blocks", GSON.toJsonTree(doc.blocks()));
    out.add("tables", GSON.toJsonTree(doc.tables()));
    out.add("formulas", GSON.toJsonTree(doc.formulas()));
    out.add("figures", withPixels(doc.figures(), Figure::box, width, height));
    out.add("warnings", GSON.toJsonTree(doc.warnings()));
  }

  private static void result(String name, ParseResult<?> result, JsonObject out) {
    out.add(name, GSON.toJsonTree(result.records()));
    out.add("warnings", GSON.toJsonTree(result.warnings()));
  }

  private static <T> JsonElement withPixels(List<T> records, Function<T, Box> box, Integer width,
      Integer height) {
    JsonArray array = new JsonArray();
    for (T record : records) {
      JsonObject json = GSON.toJsonTree(record).getAsJsonObject();
      Box grid = box.apply(record);
      if (grid != null && width != null) {
        json.add("pixel_box", GSON.toJsonTree(grid.denormalize(width, height)));
      }
      array.add(json);
    }
    return array;
  }
}
