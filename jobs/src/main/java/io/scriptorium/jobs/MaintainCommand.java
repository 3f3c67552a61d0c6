package io.scriptorium.jobs;

import io.scriptorium.pipeline.MaintainOptions;
import io.scriptorium.pipeline.MaintainSummary;
import io.scriptorium.pipeline.Scriptorium;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "maintain", mixinStandardHelpOptions = true,
    description = {"Compact every table of the warehouse (Delta OPTIMIZE, optionally ZORDER BY), then delete the files"
        + " no version within the retention needs (VACUUM). Queries return the same rows before and after; the run is"
        + " recorded in runs (command maintain). It may run beside digitize: a commit that loses a race is retried."},
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {"0:every table was maintained", "1:maintenance failed (the cause is printed and recorded in runs)",
        "2:usage error (a --where Delta cannot apply to partitions, a retention below 168 hours without"
            + " --allow-short-retention)"})
final class MaintainCommand implements Callable<Integer> {
  @Option(names = "--warehouse", required = true, description = "Warehouse root URI.")
  String warehouse;

  @Option(names = "--where", description = "Compact only the partitions this predicate on collection and batch_date"
      + " selects, e.g. \"batch_date >= '2026-11-01'\" (OPTIMIZE ... WHERE accepts partition columns only). runs is"
      + " always compacted whole and VACUUM always covers whole tables.")
  String where;

  @Option(names = "--zorder", description = "Also Z-order the compacted files by each table's lookup column (pages:"
      + " source_uri; raw_outputs, spots and the parsed tables: content_sha256). It rewrites every file of the selected"
      + " partitions each time, so use it with --where on recent partitions.")
  boolean zorder;

  @Option(names = "--vacuum-hours", paramLabel = "N", description = "VACUUM retention in hours (default: each"
      + " table's delta.deletedFileRetentionDuration, 168 hours unless set). Below "
      + MaintainOptions.SAFE_RETENTION_HOURS + " it needs --allow-short-retention.")
  Integer vacuumHours;

  @Option(names = "--allow-short-retention", description = "Allow --vacuum-hours below "
      + MaintainOptions.SAFE_RETENTION_HOURS + ". Only when no job reads or writes the warehouse meanwhile: VACUUM"
      + " then deletes files that a running query or run may still need, and versions older than N hours can no"
      + " longer be read (time travel).")
  boolean allowShortRetention;

  @Option(names = "--no-vacuum", description = "Compact only; skip VACUUM.")
  boolean noVacuum;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    MaintainOptions options = Main.options(spec, () -> new MaintainOptions(warehouse, where, zorder, !noVacuum,
        vacuumHours, allowShortRetention));
    // a --where that names other columns is reported by the pipeline as an IllegalArgumentException: a usage error
    MaintainSummary run = Main.options(spec, () -> Scriptorium.get(Main.session("maintain")).maintain(options));
    System.out.printf(Locale.ROOT, "%s: %d table(s) maintained in %.1f s, %d -> %d data files%n", run.runId(),
        run.tables().size(), run.seconds(), run.filesBefore(), run.filesAfter());
    System.out.printf(Locale.ROOT, "  %-15s %8s %8s %10s %10s %9s %8s %8s%n", "table", "files", "after", "MB",
        "after", "vacuumed", "optim s", "vacuum s");
    for (MaintainSummary.Table t : run.tables()) {
      System.out.printf(Locale.ROOT, "  %-15s %8d %8d %10.2f %10.2f %9s %8.1f %8.1f%s%n", t.name(), t.filesBefore(),
          t.filesAfter(), t.bytesBefore() / 1e6, t.bytesAfter() / 1e6,
          t.filesVacuumed() < 0 ? "-" : Long.toString(t.filesVacuumed()), t.optimizeSeconds(), t.vacuumSeconds(),
          t.zorderedBy() == null ? "" : "  zorder " + t.zorderedBy());
    }
    return 0;
  }
}
