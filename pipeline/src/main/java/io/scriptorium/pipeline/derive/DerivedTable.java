package io.scriptorium.pipeline.derive;

import java.util.Locale;

/** The tables derivation fills: the parsed tables, in the warehouse's order, then {@code spots}. */
public enum DerivedTable {
  BLOCKS,
  TABLES,
  FORMULAS,
  FIGURES,
  FIELDS,
  TRANSLATIONS,
  PARSE_WARNINGS,
  SPOTS;

  /** The table's name in the warehouse. */
  public String tableName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
