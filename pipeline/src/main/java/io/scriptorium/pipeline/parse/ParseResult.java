package io.scriptorium.pipeline.parse;

import java.io.Serializable;
import java.util.List;

/**
 * What a parser found, and what it had to work around to find it.
 *
 * @param records the parsed values, in output order; never null, never containing null
 * @param warnings the problems met on the way, in the order met; never null
 * @param <T> the record type
 */
public record ParseResult<T>(List<T> records, List<ParseWarning> warnings) implements Serializable {
  private static final long serialVersionUID = 1L;

  public ParseResult {
    records = records == null ? List.of() : List.copyOf(records);
    warnings = warnings == null ? List.of() : List.copyOf(warnings);
  }
}
