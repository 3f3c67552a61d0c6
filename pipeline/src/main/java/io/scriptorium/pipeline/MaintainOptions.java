package io.scriptorium.pipeline;

import io.scriptorium.pipeline.run.MaintainJob;

/**
 * What one {@code maintain} run does to a warehouse's tables: compaction (Delta {@code OPTIMIZE}), optionally
 * Z-ordered, then {@code VACUUM}.
 *
 * @param warehouse root URI of the Delta warehouse
 * @param where optional predicate on the partition columns ({@code collection}, {@code batch_date}) restricting the
 *     compaction of the partitioned tables, e.g. {@code "batch_date >= '2026-11-01'"}; null for every partition. The
 *     unpartitioned {@code runs} table is always compacted whole, and {@code VACUUM} always covers whole tables (it has
 *     no partition filter)
 * @param zorder Z-order the compacted files by each table's lookup column ({@link MaintainJob#ZORDER}); this rewrites
 *     every file of the selected partitions, not only the small ones, so pair it with {@code where}
 * @param vacuum run {@code VACUUM} after the compaction
 * @param vacuumHours retention of {@code VACUUM} in hours; null for each table's own
 *     {@code delta.deletedFileRetentionDuration} (Delta's default, 168 hours = 7 days)
 * @param allowShortRetention allow {@code vacuumHours} below {@link #SAFE_RETENTION_HOURS}: only when no job reads or
 *     writes the warehouse meanwhile and no time travel further back is needed
 */
public record MaintainOptions(String warehouse, String where, boolean zorder, boolean vacuum, Integer vacuumHours,
    boolean allowShortRetention) {

  /** Delta's default retention of removed files: readers and writers older than this may still need them. */
  public static final int SAFE_RETENTION_HOURS = 168;

  /** Compaction of every partition, then {@code VACUUM} at each table's retention (168 hours unless set). */
  public MaintainOptions(String warehouse) {
    this(warehouse, null, false, true, null, false);
  }

  public MaintainOptions {
    StorageUris.requireNoSecret("--warehouse", warehouse);
    if (warehouse == null || warehouse.isBlank()) {
      throw new IllegalArgumentException("A warehouse URI is required (--warehouse)");
    }
    if (where != null && where.isBlank()) {
      throw new IllegalArgumentException("--where is empty: give a predicate on collection and batch_date, or leave"
          + " it out to compact every partition");
    }
    if (vacuumHours != null && !vacuum) {
      throw new IllegalArgumentException("--vacuum-hours and --no-vacuum contradict each other");
    }
    if (vacuumHours != null && vacuumHours < 0) {
      throw new IllegalArgumentException("--vacuum-hours must be 0 or more, got " + vacuumHours);
    }
    if (vacuumHours != null && vacuumHours < SAFE_RETENTION_HOURS && !allowShortRetention) {
      throw new IllegalArgumentException("--vacuum-hours " + vacuumHours + " is below Delta's safe retention of "
          + SAFE_RETENTION_HOURS + " hours: VACUUM would delete files that running jobs may still read or commit"
          + " against, and time travel to older versions would break. Add --allow-short-retention only when nothing"
          + " else uses the warehouse meanwhile");
    }
    if (allowShortRetention && (vacuumHours == null || vacuumHours >= SAFE_RETENTION_HOURS)) {
      throw new IllegalArgumentException("--allow-short-retention goes with a --vacuum-hours below "
          + SAFE_RETENTION_HOURS);
    }
  }
}
