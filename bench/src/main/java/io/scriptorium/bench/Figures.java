package io.scriptorium.bench;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Benchmark figures in the runtime benchmark's form, {@code {"figures": [{"name", "value", "unit", "note"}...]}}; a
 * figure that could not be measured has a null value and says why in its note.
 */
public final class Figures {
  /** One figure. */
  public record Figure(String name, Double value, String unit, String note) {}

  private final List<Figure> figures = new ArrayList<>();
  private final PrintStream live;

  /** @param live where each figure is printed as it is added (null: nowhere) */
  public Figures(PrintStream live) {
    this.live = live;
  }

  public void add(String name, double value, String unit, String note) {
    add(new Figure(name, Double.isFinite(value) ? value : null, unit, note));
  }

  /** A figure that has no value this time, and why. */
  public void missing(String name, String unit, String note) {
    add(new Figure(name, null, unit, note));
  }

  private synchronized void add(Figure f) {
    figures.add(f);
    if (live != null) {
      live.println(row(f));
      live.flush();
    }
  }

  public synchronized List<Figure> list() {
    return List.copyOf(figures);
  }

  public Double value(String name) {
    return list().stream().filter(f -> f.name().equals(name)).map(Figure::value).findFirst().orElse(null);
  }

  /**
   * Adds every figure of a JSON file in this form (the runtime benchmark's output), notes prefixed; a name that is
   * already taken (the host figures) gets {@code namePrefix}.
   */
  public void addAll(Path json, String namePrefix, String notePrefix) throws IOException {
    JsonObject root = JsonParser.parseString(Files.readString(json, StandardCharsets.UTF_8)).getAsJsonObject();
    for (JsonElement e : root.getAsJsonArray("figures")) {
      JsonObject f = e.getAsJsonObject();
      JsonElement value = f.get("value");
      String given = f.get("name").getAsString();
      String name = list().stream().anyMatch(x -> x.name().equals(given)) ? namePrefix + given : given;
      add(new Figure(name, value == null || value.isJsonNull() ? null : value.getAsDouble(),
          f.has("unit") && !f.get("unit").isJsonNull() ? f.get("unit").getAsString() : "",
          notePrefix + (f.has("note") && !f.get("note").isJsonNull() ? f.get("note").getAsString() : "")));
    }
  }

  public void write(Path out) throws IOException {
    JsonArray list = new JsonArray();
    for (Figure f : list()) {
      JsonObject o = new JsonObject();
      o.addProperty("name", f.name());
      if (f.value() == null) {
        o.add("value", com.google.gson.JsonNull.INSTANCE);
      } else {
        o.addProperty("value", Math.round(f.value() * 1000.0) / 1000.0);
      }
      o.addProperty("unit", f.unit());
      o.addProperty("note", f.note());
      list.add(o);
    }
    JsonObject root = new JsonObject();
    root.add("figures", list);
    Path parent = out.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(out, new GsonBuilder().setPrettyPrinting().serializeNulls().disableHtmlEscaping().create()
        .toJson(root) + "\n", StandardCharsets.UTF_8);
  }

  /** The table: name, value, unit, note. */
  public void print(PrintStream out) {
    out.println(String.format(Locale.ROOT, "%-44s %14s  %-9s %s", "figure", "value", "unit", "reference / note"));
    out.println("-".repeat(140));
    for (Figure f : list()) {
      out.println(row(f));
    }
  }

  static String row(Figure f) {
    String value = f.value() == null ? "-" : format(f.value());
    return String.format(Locale.ROOT, "%-44s %14s  %-9s %s", f.name(), value, f.unit(), f.note());
  }

  static String format(double v) {
    double a = Math.abs(v);
    if (a != 0 && (a >= 1e6 || a < 1e-3)) {
      return String.format(Locale.ROOT, "%.3e", v);
    }
    return String.format(Locale.ROOT, a >= 100 ? "%.1f" : "%.3f", v);
  }
}
