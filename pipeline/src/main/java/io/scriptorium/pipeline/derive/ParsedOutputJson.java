package io.scriptorium.pipeline.derive;

import com.google.gson.FieldNamingPolicy;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.gson.JsonSerializer;
import io.scriptorium.model.Task;
import io.scriptorium.pipeline.derive.ParsedOutput;
import io.scriptorium.pipeline.derive.TaskParameters;
import io.scriptorium.pipeline.derive.TaskRegistry;
import io.scriptorium.pipeline.parse.BlockKind;
import io.scriptorium.pipeline.parse.Box;
import io.scriptorium.pipeline.parse.Figure;
import io.scriptorium.pipeline.parse.OutputParsers;
import io.scriptorium.pipeline.parse.ParsedDocument;
import io.scriptorium.pipeline.parse.Spot;
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
   * Parses {@code text} as an answer to {@code task} ({@link TaskRegistry}, as digitize and reparse do) and returns the
   * records as pretty-printed JSON.
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
    Task known = Task.parse(task);
    TaskParameters parameters =
        new TaskParameters(targetLanguage, key == null || key.isBlank() ? List.of() : List.of(key.strip()));
    JsonObject out = new JsonObject();
    out.addProperty("task", known.key());
    out.addProperty("parser_version", OutputParsers.PARSER_VERSION);
    TaskRegistry.parse(known, text, parameters).match(new ParsedOutput.Cases<Void>() {
      @Override
      public Void spots(ParsedOutput.Spots spots) {
        out.add("spots", withPixels(spots.spots(), Spot::box, width, height));
        return warnings(spots);
      }

      @Override
      public Void document(ParsedOutput.Document document) {
        ParsedOutputJson.document(document.document(), width, height, out);
        return null;
      }

      @Override
      public Void translated(ParsedOutput.Translated translated) {
        out.addProperty("language", translated.translation().language());
        ParsedOutputJson.document(translated.translation().document(), width, height, out);
        return null;
      }

      @Override
      public Void table(ParsedOutput.TableAnswer table) {
        out.add("table", GSON.toJsonTree(table.table()));
        return warnings(table);
      }

      @Override
      public Void formula(ParsedOutput.FormulaAnswer formula) {
        out.add("formula", GSON.toJsonTree(formula.formula()));
        return warnings(formula);
      }

      @Override
      public Void charts(ParsedOutput.Charts charts) {
        out.add("charts", GSON.toJsonTree(charts.charts()));
        return warnings(charts);
      }

      @Override
      public Void fields(ParsedOutput.Fields fields) {
        out.add("fields", GSON.toJsonTree(fields.fields()));
        return warnings(fields);
      }

      @Override
      public Void subtitles(ParsedOutput.Subtitles subtitles) {
        out.add("lines", GSON.toJsonTree(subtitles.lines()));
        return warnings(subtitles);
      }

      @Override
      public Void answers(ParsedOutput.Answers answers) {
        out.add("answers", GSON.toJsonTree(answers.answers()));
        return warnings(answers);
      }

      @Override
      public Void text(ParsedOutput.PlainText text) {
        out.add("trimmed", GSON.toJsonTree(text.trimmed())); // no parser, no warnings
        return null;
      }

      private Void warnings(ParsedOutput parsed) {
        out.add("warnings", GSON.toJsonTree(parsed.warnings()));
        return null;
      }
    });
    return GSON.toJson(out);
  }

  private static void document(ParsedDocument doc, Integer width, Integer height, JsonObject out) {
    out.add("blocks", GSON.toJsonTree(doc.blocks()));
    out.add("tables", GSON.toJsonTree(doc.tables()));
    out.add("formulas", GSON.toJsonTree(doc.formulas()));
    out.add("figures", withPixels(doc.figures(), Figure::box, width, height));
    out.add("warnings", GSON.toJsonTree(doc.warnings()));
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
