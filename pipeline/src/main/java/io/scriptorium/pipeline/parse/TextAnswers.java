package io.scriptorium.pipeline.parse;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The answers that are mostly plain text: charts, subtitles and free-form question answering. */
final class TextAnswers {
  /** First words of Mermaid diagrams. */
  private static final Set<String> MERMAID_TYPES = Set.of(
      "graph", "flowchart", "sequencediagram", "classdiagram", "statediagram", "statediagram-v2", "erdiagram",
      "gantt", "pie", "journey", "mindmap", "timeline", "gitgraph", "quadrantchart", "xychart-beta", "sankey-beta",
      "block-beta", "requirementdiagram", "c4context");

  private TextAnswers() {}

  /**
   * A chart answer: {@link Chart#MERMAID} for a Mermaid fence or a body starting with a Mermaid diagram type,
   * {@link Chart#MARKDOWN_TABLE} when the body holds a pipe table, {@link Chart#TEXT} otherwise.
   */
  static ParseResult<Chart> chart(String raw) {
    Warnings w = new Warnings();
    String s = start(raw, w, "no chart output");
    if (s == null) {
      return new ParseResult<>(List.of(), w.list());
    }
    String body = s;
    String language = "";
    int fence = s.indexOf("```");
    if (fence >= 0) {
      int eol = s.indexOf('\n', fence);
      if (eol > 0) {
        language = Fences.language(s, fence, eol);
        int close = s.indexOf("```", eol + 1);
        if (close < 0) {
          w.add(ParseWarning.TRUNCATED, "code fence not closed");
        }
        String outside = (s.substring(0, fence) + (close < 0 ? "" : s.substring(close + 3))).strip();
        if (!outside.isEmpty()) {
          w.add(ParseWarning.EXTRA_TEXT, "ignored text around the fence: " + Warnings.excerpt(outside));
        }
        body = close < 0 ? s.substring(eol + 1) : s.substring(eol + 1, close);
      }
    }
    body = body.strip();
    String kind;
    if (language.equals("mermaid") || MERMAID_TYPES.contains(firstWord(body))) {
      kind = Chart.MERMAID;
    } else if (hasPipeTable(body)) {
      kind = Chart.MARKDOWN_TABLE;
    } else {
      kind = Chart.TEXT;
    }
    return new ParseResult<>(List.of(new Chart(kind, body)), w.list());
  }

  /** Subtitle lines, trimmed, blank lines dropped (bilingual subtitles come one language per line). */
  static ParseResult<String> subtitles(String raw) {
    Warnings w = new Warnings();
    String s = start(raw, w, "no subtitle output");
    if (s == null) {
      return new ParseResult<>(List.of(), w.list());
    }
    List<String> lines = new ArrayList<>();
    for (String line : s.split("\\R")) {
      String l = line.strip();
      if (!l.isEmpty()) {
        lines.add(l);
      }
    }
    return new ParseResult<>(lines, w.list());
  }

  /** A free-form answer, trimmed; one record, or none when blank. */
  static ParseResult<String> vqa(String raw) {
    Warnings w = new Warnings();
    String s = start(raw, w, "no answer");
    return new ParseResult<>(s == null ? List.of() : List.of(s), w.list());
  }

  /** The trimmed answer after repetition trimming, or null (with a warning) when blank. */
  private static String start(String raw, Warnings w, String emptyMessage) {
    String s = RepetitionTrimmer.prepare(raw, w).strip();
    if (s.isEmpty()) {
      w.add(ParseWarning.EMPTY_OUTPUT, emptyMessage);
      return null;
    }
    return s;
  }

  private static String firstWord(String body) {
    int end = 0;
    while (end < body.length() && !Character.isWhitespace(body.charAt(end)) && body.charAt(end) != ';') {
      end++;
    }
    return body.substring(0, end).toLowerCase(Locale.ROOT);
  }

  /** A line starting with '|' followed by a rule line made of '|', '-', ':' and spaces. */
  private static boolean hasPipeTable(String body) {
    String[] lines = body.split("\n", -1);
    for (int i = 0; i + 1 < lines.length; i++) {
      if (lines[i].strip().startsWith("|") && isRule(lines[i + 1].strip())) {
        return true;
      }
    }
    return false;
  }

  private static boolean isRule(String line) {
    boolean pipe = false;
    boolean dash = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '|') {
        pipe = true;
      } else if (c == '-') {
        dash = true;
      } else if (c != ':' && c != ' ' && c != '\t') {
        return false;
      }
    }
    return pipe && dash;
  }
}
