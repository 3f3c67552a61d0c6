package io.scriptorium.pipeline.parse;

import java.util.ArrayList;
import java.util.List;

/**
 * A small, forgiving JSON reader for model answers. Besides strict JSON it accepts single-quoted strings, bare keys,
 * Python's {@code True/False/None}, trailing and doubled commas, a full-width colon, and input that stops in the
 * middle (it returns what was complete and says it was cut off). Nesting deeper than {@value #MAX_DEPTH} is refused
 * rather than recursed into. It never throws: problems come back in {@link Result}.
 */
final class LenientJson {
  static final int MAX_DEPTH = 64;

  sealed interface Value permits Obj, Arr, Str, Num, Bool, Null {}

  record Member(String key, Value value) {}

  record Obj(List<Member> members) implements Value {}

  record Arr(List<Value> items) implements Value {}

  record Str(String text) implements Value {}

  /** A number as written (kept as text so that {@code 026} or {@code 1.50} survive). */
  record Num(String literal) implements Value {}

  record Bool(boolean value) implements Value {}

  record Null() implements Value {}

  /**
   * The outcome of reading one value.
   *
   * @param value what was read; null when nothing usable was
   * @param end where reading stopped
   * @param truncated the input ended inside the value (the value holds its complete parts)
   * @param error what was wrong, or null
   */
  record Result(Value value, int end, boolean truncated, String error) {}

  private final String s;
  private final int n;
  private int pos;
  private boolean truncated;
  private String error;

  private LenientJson(String s, int pos) {
    this.s = s;
    this.n = s.length();
    this.pos = pos;
  }

  /** Reads one value starting at {@code from}. */
  static Result read(String s, int from) {
    LenientJson r = new LenientJson(s, from);
    Value v = r.value(0);
    return new Result(v, r.pos, r.truncated, r.error);
  }

  private Value value(int depth) {
    skipSpace();
    if (pos >= n) {
      truncated = true;
      return null;
    }
    if (depth >= MAX_DEPTH) {
      fail("nested deeper than " + MAX_DEPTH);
      return null;
    }
    char c = s.charAt(pos);
    return switch (c) {
      case '{' -> object(depth);
      case '[' -> array(depth);
      case '"', '\'' -> string();
      default -> bare();
    };
  }

  private Value object(int depth) {
    pos++;
    List<Member> members = new ArrayList<>();
    while (true) {
      skipSpaceAndCommas();
      if (pos >= n) {
        truncated = true;
        return new Obj(members);
      }
      char c = s.charAt(pos);
      if (c == '}') {
        pos++;
        return new Obj(members);
      }
      String key;
      if (c == '"' || c == '\'') {
        Str k = string();
        if (truncated) {
          return new Obj(members);
        }
        key = k.text();
      } else {
        key = bareText(":：,}");
        if (key.isEmpty()) {
          fail("unexpected '" + c + "' where a key should be");
          return new Obj(members);
        }
      }
      skipSpace();
      if (pos >= n) {
        truncated = true;
        return new Obj(members);
      }
      if (s.charAt(pos) != ':' && s.charAt(pos) != '：') {
        fail("no ':' after key '" + key + "'");
        return new Obj(members);
      }
      pos++;
      Value v = value(depth + 1);
      if (v == null || truncated || error != null) {
        return new Obj(members);
      }
      members.add(new Member(key, v));
    }
  }

  private Value array(int depth) {
    pos++;
    List<Value> items = new ArrayList<>();
    while (true) {
      skipSpaceAndCommas();
      if (pos >= n) {
        truncated = true;
        return new Arr(items);
      }
      if (s.charAt(pos) == ']') {
        pos++;
        return new Arr(items);
      }
      Value v = value(depth + 1);
      if (v == null || truncated || error != null) {
        return new Arr(items);
      }
      items.add(v);
    }
  }

  private Str string() {
    char quote = s.charAt(pos++);
    StringBuilder out = new StringBuilder();
    while (pos < n) {
      char c = s.charAt(pos++);
      if (c == quote) {
        return new Str(out.toString());
      }
      if (c != '\\') {
        out.append(c);
        continue;
      }
      if (pos >= n) {
        break;
      }
      char e = s.charAt(pos++);
      switch (e) {
        case 'n' -> out.append('\n');
        case 't' -> out.append('\t');
        case 'r' -> out.append('\r');
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'u' -> out.append(unicodeEscape());
        default -> out.append(e);
      }
    }
    truncated = true;
    return new Str(out.toString());
  }

  /** The char of a {@code \}{@code uXXXX} escape whose {@code u} was just read; the text as is when malformed. */
  private String unicodeEscape() {
    if (pos + 4 > n) {
      return "u";
    }
    int v = 0;
    for (int i = 0; i < 4; i++) {
      int d = Character.digit(s.charAt(pos + i), 16);
      if (d < 0) {
        return "u";
      }
      v = v * 16 + d;
    }
    pos += 4;
    return String.valueOf((char) v);
  }

  /** A number, literal or unquoted word, up to the next delimiter. */
  private Value bare() {
    String word = bareText(",}]");
    if (word.isEmpty()) {
      fail("unexpected '" + s.charAt(pos) + "'");
      return null;
    }
    switch (word) {
      case "true", "True" -> {
        return new Bool(true);
      }
      case "false", "False" -> {
        return new Bool(false);
      }
      case "null", "None" -> {
        return new Null();
      }
      default -> {
        return isNumber(word) ? new Num(word) : new Str(word);
      }
    }
  }

  private String bareText(String stops) {
    int start = pos;
    while (pos < n && stops.indexOf(s.charAt(pos)) < 0 && s.charAt(pos) != '\n') {
      pos++;
    }
    return s.substring(start, pos).strip();
  }

  private void fail(String message) {
    if (error == null) {
      error = message + " at offset " + pos;
    }
  }

  private void skipSpace() {
    while (pos < n && Character.isWhitespace(s.charAt(pos))) {
      pos++;
    }
  }

  private void skipSpaceAndCommas() {
    while (pos < n && (Character.isWhitespace(s.charAt(pos)) || s.charAt(pos) == ',')) {
      pos++;
    }
  }

  /** Strict JSON number syntax. */
  static boolean isNumber(String w) {
    int i = 0;
    int len = w.length();
    if (i < len && w.charAt(i) == '-') {
      i++;
    }
    int digits = i;
    while (i < len && Character.isDigit(w.charAt(i)) && w.charAt(i) < 128) {
      i++;
    }
    if (i == digits || (w.charAt(digits) == '0' && i - digits > 1)) {
      return false;
    }
    if (i < len && w.charAt(i) == '.') {
      i++;
      int frac = i;
      while (i < len && w.charAt(i) >= '0' && w.charAt(i) <= '9') {
        i++;
      }
      if (i == frac) {
        return false;
      }
    }
    if (i < len && (w.charAt(i) == 'e' || w.charAt(i) == 'E')) {
      i++;
      if (i < len && (w.charAt(i) == '+' || w.charAt(i) == '-')) {
        i++;
      }
      int exp = i;
      while (i < len && w.charAt(i) >= '0' && w.charAt(i) <= '9') {
        i++;
      }
      if (i == exp) {
        return false;
      }
    }
    return i == len;
  }

  /** Compact JSON for a value. */
  static String write(Value v) {
    StringBuilder out = new StringBuilder();
    write(v, out);
    return out.toString();
  }

  private static void write(Value v, StringBuilder out) {
    if (v instanceof Obj o) {
      out.append('{');
      for (int i = 0; i < o.members().size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        quote(o.members().get(i).key(), out);
        out.append(':');
        write(o.members().get(i).value(), out);
      }
      out.append('}');
    } else if (v instanceof Arr a) {
      out.append('[');
      for (int i = 0; i < a.items().size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        write(a.items().get(i), out);
      }
      out.append(']');
    } else if (v instanceof Str str) {
      quote(str.text(), out);
    } else if (v instanceof Num num) {
      out.append(num.literal());
    } else if (v instanceof Bool b) {
      out.append(b.value());
    } else {
      out.append("null");
    }
  }

  private static void quote(String text, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
