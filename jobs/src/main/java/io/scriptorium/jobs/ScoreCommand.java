package io.scriptorium.jobs;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.scriptorium.pipeline.eval.PairScores;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/**
 * Scores truth/prediction pairs with the {@code eval} metrics, without Spark: {@code --pairs FILE.jsonl} (lines
 * {@code {"id", "kind", "truth", "prediction"}}) or one pair given as {@code --kind K --truth FILE --prediction FILE}.
 * Every metric of the pair's kind is printed ({@link PairScores}).
 */
@Command(name = ScoreCommand.NAME, mixinStandardHelpOptions = true,
    description = {"Score truth/prediction pairs with the eval metrics, printing one JSON line per pair with every metric"
        + " of its kind: table: teds, teds_struct (OmniDocBench), teds_pubtabnet, teds_pubtabnet_struct (PubTabNet"
        + " metric.py; a bare <table> scores 0 there, as in PubTabNet); text: text_ned (OmniDocBench), cer (ours);"
        + " formula: formula_ned (OmniDocBench). A NED is null where OmniDocBench scores nothing (both sides empty).",
        "Either --pairs FILE.jsonl, whose lines are {\"id\", \"kind\": \"table\"|\"text\"|\"formula\", \"truth\","
            + " \"prediction\"} (the output line repeats the id), or --kind K --truth FILE --prediction FILE for one"
            + " pair.",
        "Exit 0 when every pair was scored, 1 when a line could not be (its output line has id and error), 2 on a"
            + " usage error."})
final class ScoreCommand implements Callable<Integer> {
  static final String NAME = "score";

  @Option(names = "--pairs", paramLabel = "FILE", arity = "0..1", fallbackValue = "",
      description = "JSON Lines file of pairs; - for standard input.")
  String pairs;

  @Option(names = "--kind", paramLabel = "K", arity = "0..1", fallbackValue = "",
      description = "Kind of the single pair: table, text or formula.")
  String kind;

  @Option(names = "--truth", paramLabel = "FILE", arity = "0..1", fallbackValue = "",
      description = "File holding the single pair's truth (UTF-8, used as is).")
  String truth;

  @Option(names = "--prediction", paramLabel = "FILE", arity = "0..1", fallbackValue = "",
      description = "File holding the single pair's prediction (UTF-8, used as is).")
  String prediction;

  @Unmatched
  List<String> unmatched = new ArrayList<>();

  PrintStream out = System.out;
  PrintStream err = System.err;

  private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();

  @Override
  public Integer call() {
    String problem = usageProblem();
    if (problem != null) {
      err.println("scriptorium " + NAME + ": " + problem + " (see --help)");
      return 2;
    }
    try {
      if (pairs != null) {
        return scorePairs();
      }
      String t = Files.readString(Path.of(truth), StandardCharsets.UTF_8);
      String p = Files.readString(Path.of(prediction), StandardCharsets.UTF_8);
      JsonObject line = new JsonObject();
      line.addProperty("kind", kind);
      PairScores.score(kind, t, p).forEach(line::addProperty);
      out.println(GSON.toJson(line));
      return 0;
    } catch (IOException e) {
      err.println("scriptorium " + NAME + ": cannot read " + e.getMessage());
      return 2;
    }
  }

  /** One line describing what is wrong with the arguments, or null. */
  private String usageProblem() {
    if (!unmatched.isEmpty()) {
      return "unknown argument " + unmatched.get(0);
    }
    boolean single = kind != null || truth != null || prediction != null;
    if (pairs != null && single) {
      return "--pairs goes alone; --kind, --truth and --prediction are for one pair";
    }
    if (pairs == null && !single) {
      return "give --pairs FILE.jsonl, or --kind K --truth FILE --prediction FILE";
    }
    if (pairs != null) {
      if (pairs.isEmpty()) {
        return "--pairs needs a file";
      }
      return pairs.equals("-") || Files.isRegularFile(Path.of(pairs)) ? null : "no such file: " + pairs;
    }
    if (kind == null || kind.isEmpty() || !PairScores.KINDS.contains(kind)) {
      return "--kind must be one of " + String.join(", ", PairScores.KINDS)
          + (kind == null || kind.isEmpty() ? "" : ", not '" + kind + "'");
    }
    for (String[] f : new String[][] {{"--truth", truth}, {"--prediction", prediction}}) {
      if (f[1] == null || f[1].isEmpty()) {
        return f[0] + " needs a file";
      }
      if (!Files.isRegularFile(Path.of(f[1]))) {
        return "no such file: " + f[1];
      }
    }
    return null;
  }

  private int scorePairs() throws IOException {
    int failed = 0;
    try (BufferedReader reader = pairs.equals("-")
        ? new BufferedReader(new java.io.InputStreamReader(System.in, StandardCharsets.UTF_8))
        : Files.newBufferedReader(Path.of(pairs), StandardCharsets.UTF_8)) {
      String raw;
      int number = 0;
      while ((raw = reader.readLine()) != null) {
        number++;
        if (raw.isBlank()) {
          continue;
        }
        JsonObject line = new JsonObject();
        try {
          JsonObject pair = JsonParser.parseString(raw).getAsJsonObject();
          JsonElement id = pair.get("id");
          line.add("id", id == null ? com.google.gson.JsonNull.INSTANCE : id);
          String k = string(pair, "kind");
          line.addProperty("kind", k);
          Map<String, Double> scores = PairScores.score(k, string(pair, "truth"), string(pair, "prediction"));
          scores.forEach(line::addProperty);
        } catch (JsonParseException | IllegalStateException | IllegalArgumentException | UnsupportedOperationException e) {
          failed++;
          line.addProperty("line", number);
          line.addProperty("error", e.getMessage() == null ? e.toString() : e.getMessage());
        }
        out.println(GSON.toJson(line));
      }
    }
    return failed == 0 ? 0 : 1;
  }

  private static String string(JsonObject o, String key) {
    JsonElement e = o.get(key);
    if (e == null || e.isJsonNull()) {
      throw new IllegalArgumentException("missing \"" + key + "\"");
    }
    return e.getAsString();
  }
}
