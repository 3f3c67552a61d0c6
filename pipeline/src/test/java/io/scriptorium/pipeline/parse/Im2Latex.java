package io.scriptorium.pipeline.parse;

import com.google.gson.JsonParser;
import java.util.ArrayList;
import java.util.List;

/** The im2latex sample formulas in shared/data, as their authors wrote them. */
final class Im2Latex {
  private Im2Latex() {}

  static List<String> formulas() {
    List<String> formulas = new ArrayList<>();
    for (String line : Samples.lines(Samples.data().resolve("im2latex-sample/gt.jsonl"))) {
      if (!line.isBlank()) {
        formulas.add(JsonParser.parseString(line).getAsJsonObject().get("latex").getAsString());
      }
    }
    return formulas;
  }
}
