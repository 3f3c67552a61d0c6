package io.scriptorium.pipeline.derive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.scriptorium.pipeline.ReparseTest;
import io.scriptorium.pipeline.parse.OutputParsers;
import io.scriptorium.testing.UnitTest;
import org.junit.jupiter.api.Test;

/** {@code scriptorium parse}'s JSON, and the prompt readings derivation relies on; no Spark. */
@UnitTest
class ParsedOutputJsonTest {
  @Test
  void documentRecordsWithPixelBoxes() {
    JsonObject json = parse(ParsedOutputJson.render("parse", ReparseTest.PARSE_PAGE, null, null, 1000, 2000));
    assertThat(json.get("task").getAsString()).isEqualTo("parse");
    assertThat(json.get("parser_version").getAsString()).isEqualTo(OutputParsers.PARSER_VERSION);
    assertThat(json.getAsJsonArray("blocks")).hasSize(5);
    assertThat(json.getAsJsonArray("blocks").get(0).getAsJsonObject().get("kind").getAsString()).isEqualTo("heading");
    JsonObject table = json.getAsJsonArray("tables").get(0).getAsJsonObject();
    assertThat(table.get("sanitised_html").getAsString()).isEqualTo(ReparseTest.TABLE_HTML);
    assertThat(table.getAsJsonArray("cells").get(1).getAsJsonObject().get("colspan").getAsInt()).isEqualTo(4);
    JsonObject formula = json.getAsJsonArray("formulas").get(1).getAsJsonObject();
    assertThat(formula.get("equation_number").getAsString()).isEqualTo("1");
    JsonObject figure = json.getAsJsonArray("figures").get(0).getAsJsonObject();
    assertThat(figure.getAsJsonObject("box").get("y2").getAsInt()).isEqualTo(240);
    assertThat(figure.getAsJsonObject("pixel_box").get("y2").getAsInt()).isEqualTo(480);
    assertThat(json.getAsJsonArray("warnings").get(0).getAsJsonObject().get("code").getAsString())
        .isEqualTo("extra_text");
  }

  @Test
  void everyTaskRenders() {
    assertThat(parse(ParsedOutputJson.render("SPOTTING", "搭子(139,586),(874,986)", null, null, null, null))
        .getAsJsonArray("spots").get(0).getAsJsonObject().has("pixel_box")).isFalse();
    assertThat(parse(ParsedOutputJson.render("ie", ReparseTest.IE_TAXI, null, null, null, null))
        .getAsJsonArray("fields")).hasSize(8);
    assertThat(parse(ParsedOutputJson.render("ie", "￥77.10元", null, "总金额", null, null))
        .getAsJsonArray("fields").get(0).getAsJsonObject().get("value").getAsString()).isEqualTo("￥77.10元");
    assertThat(parse(ParsedOutputJson.render("translate", ReparseTest.TRANSLATION, "en", null, null, null))
        .get("language").getAsString()).isEqualTo("en");
    assertThat(parse(ParsedOutputJson.render("formula", "$$ E=mc^2 \\tag{3} $$", null, null, null, null))
        .getAsJsonObject("formula").get("latex").getAsString()).isEqualTo("E=mc^2");
    for (String task : new String[] {"table", "chart", "text", "subtitles", "vqa"}) {
      assertThat(parse(ParsedOutputJson.render(task, null, null, null, null, null)).get("task").getAsString())
          .isEqualTo(task);
    }
    assertThatThrownBy(() -> ParsedOutputJson.render("poetry", "", null, null, null, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ParsedOutputJson.render("parse", "", null, null, 10, null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static JsonObject parse(String json) {
    return JsonParser.parseString(json).getAsJsonObject();
  }
}
