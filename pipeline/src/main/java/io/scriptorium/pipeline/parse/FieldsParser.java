package io.scriptorium.pipeline.parse;

import java.util.ArrayList;
import java.util.List;

/**
 * Information-extraction answers: a JSON object keyed by the requested field names, fenced ({@code ```json}) or not,
 * possibly with text around it. The first {@code {} that reads as an object wins (up to {@value #MAX_TRIES} are
 * tried). A top-level array contributes its first object. Only members whose value was read completely are kept.
 */
final class FieldsParser {
  static final int MAX_TRIES = 16;

  private FieldsParser() {}

  static ParseResult<Field> parse(String raw) {
    Warnings w = new Warnings();
    String s = RepetitionTrimmer.prepare(raw, w);
    if (s.isBlank()) {
      w.add(ParseWarning.EMPTY_OUTPUT, "no extraction output");
      return new ParseResult<>(List.of(), w.list());
    }
    int tries = 0;
    int from = firstBrace(s, 0);
    while (from >= 0 && tries < MAX_TRIES) {
      tries++;
      LenientJson.Result r = LenientJson.read(s, from);
      LenientJson.Obj object = objectIn(r.value());
      if (object != null && (r.error() == null || !object.members().isEmpty())) {
        if (r.value() instanceof LenientJson.Arr) {
          w.add(ParseWarning.JSON_INVALID, "expected a JSON object, found an array; used its first object");
        }
        if (r.truncated()) {
          w.add(ParseWarning.TRUNCATED, "JSON cut off; kept the " + object.members().size() + " complete fields");
        } else if (r.error() != null) {
          w.add(ParseWarning.JSON_INVALID, r.error() + "; kept the " + object.members().size() + " fields before it");
        }
        reportAround(s, from, r.end(), w);
        List<Field> fields = new ArrayList<>();
        for (LenientJson.Member m : object.members()) {
          fields.add(new Field(m.key(), text(m.value())));
        }
        return new ParseResult<>(fields, w.list());
      }
      from = firstBrace(s, from + 1);
    }
    w.add(ParseWarning.JSON_INVALID, "no JSON object in " + Warnings.excerpt(s.strip()));
    return new ParseResult<>(List.of(), w.list());
  }

  private static LenientJson.Obj objectIn(LenientJson.Value v) {
    if (v instanceof LenientJson.Obj o) {
      return o;
    }
    if (v instanceof LenientJson.Arr a) {
      for (LenientJson.Value item : a.items()) {
        if (item instanceof LenientJson.Obj o) {
          return o;
        }
      }
    }
    return null;
  }

  private static int firstBrace(String s, int from) {
    int brace = s.indexOf('{', from);
    int bracket = s.indexOf('[', from);
    if (brace < 0) {
      return bracket;
    }
    return bracket < 0 ? brace : Math.min(brace, bracket);
  }

  /** Warns about text before and after the object other than a code fence. */
  private static void reportAround(String s, int start, int end, Warnings w) {
    String before = s.substring(0, start).strip();
    if (before.startsWith("```")) {
      before = before.substring(3).strip();
      if (before.regionMatches(true, 0, "json", 0, 4)) {
        before = before.substring(4).strip();
      }
    }
    String after = s.substring(Math.min(end, s.length())).strip();
    if (after.startsWith("```")) {
      after = after.substring(3).strip();
    }
    if (!before.isEmpty() || !after.isEmpty()) {
      w.add(ParseWarning.EXTRA_TEXT, "ignored text around the JSON object: "
          + Warnings.excerpt(before.isEmpty() ? after : before));
    }
  }

  private static String text(LenientJson.Value v) {
    if (v instanceof LenientJson.Str str) {
      return str.text();
    }
    if (v instanceof LenientJson.Num num) {
      return num.literal();
    }
    if (v instanceof LenientJson.Bool b) {
      return Boolean.toString(b.value());
    }
    if (v instanceof LenientJson.Null) {
      return null;
    }
    return LenientJson.write(v);
  }
}
