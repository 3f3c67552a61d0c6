package io.scriptorium.pipeline;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a {@code reparse} did, as also recorded in the {@code runs} table (command {@code reparse}, with the outputs
 * parsed in {@code outputs}).
 *
 * @param runId the reparse's run id, recorded on every row it changed
 * @param outputs raw outputs the predicate selected and the parsers re-ran on
 * @param tables per table (blocks, tables, formulas, figures, fields, translations, parse_warnings, spots): its rows for
 *     the selected outputs now, and how many were inserted, updated and deleted
 * @param seconds wall time
 */
public record ReparseSummary(String runId, long outputs, Map<String, Changes> tables, double seconds) {
  public ReparseSummary {
    tables = Collections.unmodifiableMap(new LinkedHashMap<>(tables));
  }

  /**
   * One table's part.
   *
   * @param rows rows the selected outputs have in the table after the reparse
   * @param inserted rows added
   * @param updated rows whose values (or parser version) changed
   * @param deleted rows the outputs no longer give
   */
  public record Changes(long rows, long inserted, long updated, long deleted) {
    /** Rows inserted, updated or deleted. */
    public long changed() {
      return inserted + updated + deleted;
    }
  }

  /** Rows inserted, updated or deleted over all tables; 0 when the parsers' answers were already stored. */
  public long changed() {
    return tables.values().stream().mapToLong(Changes::changed).sum();
  }
}
