package io.scriptorium.pipeline.parse;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects the warnings of one parse. Keeps at most {@link #LIMIT}, so that a hostile output cannot blow up a row;
 * the overflow is summarised in one {@link ParseWarning#TOO_MANY_WARNINGS} warning.
 */
final class Warnings {
  static final int LIMIT = 64;
  private static final int EXCERPT = 40;

  private final List<ParseWarning> list = new ArrayList<>();
  private int dropped;

  void add(String code, String message) {
    if (list.size() < LIMIT) {
      list.add(new ParseWarning(code, message));
    } else {
      dropped++;
    }
  }

  void addAll(List<ParseWarning> warnings) {
    for (ParseWarning w : warnings) {
      add(w.code(), w.message());
    }
  }

  List<ParseWarning> list() {
    if (dropped == 0) {
      return List.copyOf(list);
    }
    List<ParseWarning> all = new ArrayList<>(list);
    all.add(new ParseWarning(ParseWarning.TOO_MANY_WARNINGS, dropped + " more warnings not recorded"));
    return List.copyOf(all);
  }

  /** A short, single-line excerpt of {@code s} for a message. */
  static String excerpt(String s) {
    String oneLine = s.replace('\n', ' ').replace('\r', ' ');
    if (oneLine.length() <= EXCERPT) {
      return "'" + oneLine + "'";
    }
    int end = EXCERPT;
    if (Character.isHighSurrogate(oneLine.charAt(end - 1))) {
      end--;
    }
    return "'" + oneLine.substring(0, end) + "...'";
  }
}
