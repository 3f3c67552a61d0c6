package io.scriptorium.jobs;

import io.scriptorium.pipeline.Scriptorium;
import io.scriptorium.pipeline.report.PageReport;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "report", mixinStandardHelpOptions = true,
    description = "Write a static HTML report of selected pages: page images with their text boxes, text, tables, "
        + "formulas, and why failed pages failed. Opens from disk; runs no script.")
final class ReportCommand implements Callable<Integer> {
  @Option(names = "--warehouse", required = true, description = "Warehouse root URI.")
  String warehouse;

  @Option(names = "--where", description = "SQL predicate over scriptorium.pages columns, e.g. "
      + "\"collection = 'letters' AND batch_date = '2026-11-24'\" or \"status <> 'ok'\" (default: every page).")
  String where;

  @Option(names = "--out", required = true, description = "Local directory for the report (index.html and one page each).")
  Path out;

  @Option(names = "--limit", defaultValue = "" + PageReport.DEFAULT_LIMIT,
      description = "Most pages, in source_uri and page_no order (default: ${DEFAULT-VALUE}).")
  int limit;

  @Override
  public Integer call() {
    PageReport.Summary report = Scriptorium.get(Main.session("report")).report(warehouse, where, out, limit);
    System.out.printf("Report of %d pages (%d ok, %d failed or quarantined, %d images): %s%n",
        report.pages(), report.ok(), report.failed(), report.images(), report.index().toAbsolutePath());
    return 0;
  }
}
