package io.scriptorium.jobs;

import io.scriptorium.pipeline.ReparseSummary;
import io.scriptorium.pipeline.Scriptorium;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "reparse", mixinStandardHelpOptions = true,
    description = "Re-run the parsers over stored raw outputs and replace their parsed rows (blocks, tables, formulas,"
        + " figures, fields, translations, parse_warnings, spots). Loads no model.")
final class ReparseCommand implements Callable<Integer> {
  @Option(names = "--warehouse", required = true, description = "Warehouse root URI.")
  String warehouse;

  @Option(names = "--where", required = true,
      description = "SQL predicate over scriptorium.raw_outputs, e.g. \"batch_date = '2026-11-24' AND task = 'parse'\""
          + " ('true' for every output).")
  String where;

  @Override
  public Integer call() {
    ReparseSummary run = Scriptorium.get(Main.session("reparse")).reparse(warehouse, where);
    System.out.printf("%s: %d output(s) re-parsed in %.1f s, %d row(s) changed%n",
        run.runId(), run.outputs(), run.seconds(), run.changed());
    for (Map.Entry<String, ReparseSummary.Changes> table : run.tables().entrySet()) {
      ReparseSummary.Changes c = table.getValue();
      System.out.printf("  %-15s %8d rows  %6d inserted  %6d updated  %6d deleted%n",
          table.getKey(), c.rows(), c.inserted(), c.updated(), c.deleted());
    }
    return 0;
  }
}
