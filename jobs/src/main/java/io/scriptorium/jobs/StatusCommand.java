package io.scriptorium.jobs;

import io.scriptorium.pipeline.RunStatus;
import io.scriptorium.pipeline.Scriptorium;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "status", mixinStandardHelpOptions = true,
    description = "Print the running run of a warehouse, or its last one (or --run ID): progress, pages/s, ETA,"
        + " chunks committed, heartbeat age, and whether a running run's driver is dead. Reads only. The exit code"
        + " says the run's state, so a scheduler can wait on it.",
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {"0:the run succeeded", "1:the run failed", "2:usage error",
        "3:the run was interrupted, or is marked running but its driver is dead (the next run marks it interrupted)",
        "4:the run is running", "5:no such run (or no run at all)"})
final class StatusCommand implements Callable<Integer> {
  static final int SUCCEEDED = 0;
  static final int FAILED = 1;
  static final int INTERRUPTED = 3;
  static final int RUNNING = 4;
  static final int NOT_FOUND = 5;

  @Option(names = "--warehouse", required = true, description = "Warehouse root URI.")
  String warehouse;

  @Option(names = "--run", paramLabel = "ID", description = "The run to show (default: the running one, else the last).")
  String runId;

  @Override
  public Integer call() {
    RunStatus run = Scriptorium.get(Main.session("status")).status(warehouse, runId);
    if (run == null) {
      System.out.println(runId == null ? "No run in " + warehouse : "No run " + runId + " in " + warehouse);
      return NOT_FOUND;
    }
    System.out.printf(Locale.ROOT, "Run %s (%s, collection %s, batch date %s): %s%n", run.runId(), run.command(),
        run.collection(), run.batchDate(), run.deadDriver() == null ? run.status()
            : run.status() + ", but its driver is dead (" + run.deadDriver() + "); the next run marks it interrupted");
    System.out.printf(Locale.ROOT, "  driver %s, started %s%s%n", run.driver(), run.startedAt(),
        run.endedAt() == null ? "" : ", ended " + run.endedAt());
    System.out.printf(Locale.ROOT, "  pages %d of %s done, %.2f pages/s%s; %d chunk(s) committed%n", run.pagesDone(),
        run.pagesPlanned() == null ? "? (planning)" : run.pagesPlanned(), run.pagesPerSecond(),
        run.etaSeconds() == null ? "" : ", ETA " + duration(run.etaSeconds()), run.chunksCommitted());
    if (run.heartbeatAgeSeconds() != null) {
      System.out.printf(Locale.ROOT, "  last heartbeat %s ago%n", duration(run.heartbeatAgeSeconds()));
    }
    if (run.error() != null) {
      System.out.println("  " + run.error());
    }
    if (run.deadDriver() != null) {
      return INTERRUPTED;
    }
    return switch (run.state()) {
      case SUCCEEDED -> SUCCEEDED;
      case RUNNING -> RUNNING;
      case INTERRUPTED -> INTERRUPTED;
      case FAILED -> FAILED;
    };
  }

  private static String duration(long seconds) {
    return seconds >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", seconds / 3600, seconds % 3600 / 60)
        : seconds >= 60 ? String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60) : seconds + " s";
  }
}
