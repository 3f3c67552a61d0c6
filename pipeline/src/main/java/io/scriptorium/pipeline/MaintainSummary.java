package io.scriptorium.pipeline;

import java.util.List;

/**
 * What a {@code maintain} run did, table by table, as recorded in the {@code runs} table (command {@code maintain}) and
 * in each table's Delta history ({@code OPTIMIZE}, {@code VACUUM START}/{@code VACUUM END} with their metrics).
 *
 * @param runId the maintenance run's id
 * @param tables one entry per table, in the order they were maintained
 * @param seconds wall time of the whole run
 */
public record MaintainSummary(String runId, List<Table> tables, double seconds) {
  public MaintainSummary {
    tables = List.copyOf(tables);
  }

  /**
   * One table.
   *
   * @param name table name in the {@code scriptorium} namespace
   * @param filesBefore data files in the table's current version before the compaction
   * @param filesAfter data files in its current version after it
   * @param bytesBefore bytes of those files before
   * @param bytesAfter bytes after
   * @param filesVacuumed files {@code VACUUM} deleted from storage; -1 when it did not run
   * @param optimizeSeconds wall time of the compaction
   * @param vacuumSeconds wall time of {@code VACUUM}; 0 when it did not run
   * @param zorderedBy the Z-order column, or null for plain compaction
   */
  public record Table(String name, long filesBefore, long filesAfter, long bytesBefore, long bytesAfter,
      long filesVacuumed, double optimizeSeconds, double vacuumSeconds, String zorderedBy) {}

  /** Data files over all tables before the compaction. */
  public long filesBefore() {
    return tables.stream().mapToLong(Table::filesBefore).sum();
  }

  /** Data files over all tables after the compaction. */
  public long filesAfter() {
    return tables.stream().mapToLong(Table::filesAfter).sum();
  }
}
