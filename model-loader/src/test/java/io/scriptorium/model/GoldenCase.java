package io.scriptorium.model;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.scriptorium.testing.SharedData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** One golden case made by the Python reference (model-loader/src/test/resources/golden/README.md). */
record GoldenCase(String name, JsonObject json, Path dir) {
  static final Path DIR = goldenDir();

  static List<GoldenCase> all() {
    try (Stream<Path> files = Files.list(DIR)) {
      return files
          .filter(p -> p.getFileName().toString().endsWith(".json"))
          .sorted()
          .map(GoldenCase::read)
          .collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static GoldenCase read(Path file) {
    try {
      JsonObject json = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonObject();
      return new GoldenCase(json.get("case").getAsString(), json, file.getParent());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path goldenDir() {
    try {
      return Paths.get(GoldenCase.class.getClassLoader().getResource("golden").toURI());
    } catch (Exception e) {
      throw new IllegalStateException("golden test resources are missing", e);
    }
  }

  Path image() {
    return SharedData.dir().resolve(json.get("image").getAsString());
  }

  Path resizedPng() {
    return dir.resolve(json.get("resized_png").getAsString());
  }

  boolean lossless() {
    return json.get("lossless_source").getAsBoolean();
  }

  /** The golden's prompt as a value; parameterised tasks (IE, translate, VQA) take the recorded text as is. */
  Prompt prompt() {
    String task = json.get("task").getAsString();
    return Prompt.of(recordedSpec("ie_single".equals(task) ? Task.IE : Task.parse(task)), language(),
        string("prompt_text"));
  }

  /** The golden's task; parameters it does not record are placeholders (the recorded text is what is sent). */
  private static TaskSpec recordedSpec(Task task) {
    return switch (task) {
      case IE -> new TaskSpec(task, java.util.List.of("recorded"), null, null);
      case TRANSLATE -> new TaskSpec(task, null, "recorded", null);
      case VQA -> new TaskSpec(task, null, null, "recorded");
      default -> TaskSpec.of(task);
    };
  }

  /** The spec that renders this golden's prompt, or null when the task needs parameters the golden does not record. */
  TaskSpec spec() {
    Task task = prompt().task();
    boolean plain = task != Task.IE && task != Task.TRANSLATE && task != Task.VQA;
    return plain ? TaskSpec.of(task) : null;
  }

  String language() {
    return json.get("prompt_language").getAsString();
  }

  String string(String key) {
    return json.get(key).getAsString();
  }

  int integer(String key) {
    return json.get(key).getAsInt();
  }

  long[] longs(String key) {
    return toLongs(json.getAsJsonArray(key));
  }

  /** position_ids as [4, S] flattened row by row. */
  long[] positions() {
    JsonArray rows = json.getAsJsonArray("position_ids");
    long[][] parts = new long[rows.size()][];
    int total = 0;
    for (int i = 0; i < parts.length; i++) {
      parts[i] = toLongs(rows.get(i).getAsJsonArray());
      total += parts[i].length;
    }
    long[] out = new long[total];
    int o = 0;
    for (long[] part : parts) {
      System.arraycopy(part, 0, out, o, part.length);
      o += part.length;
    }
    return out;
  }

  int[] generatedIds() {
    JsonArray a = json.getAsJsonArray("generated_ids");
    int[] out = new int[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = a.get(i).getAsInt();
    }
    return out;
  }

  private static long[] toLongs(JsonArray a) {
    long[] out = new long[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = a.get(i).getAsLong();
    }
    return out;
  }

  @Override
  public String toString() {
    return name;
  }
}
