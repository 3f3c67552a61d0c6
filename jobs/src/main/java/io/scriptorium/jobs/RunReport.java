package io.scriptorium.jobs;

import io.scriptorium.pipeline.RunSummary;
import io.scriptorium.pipeline.Scriptorium;
import java.util.Locale;

/** What digitize and rerun print when they end. */
final class RunReport {
  private RunReport() {}

  static void print(RunSummary run) {
    System.out.printf(Locale.ROOT,
        "%nRun %s %s in %.1f s: %d input files, %d pages: %d ok (%d sharing an identical page's inference, %d"
            + " recovered from an interrupted run), %d failed, %d skipped; %d model outputs, %d spots; %.2f pages/s%n",
        run.runId(), run.status(), run.seconds(), run.inputFiles(), run.pagesTotal(), run.pagesOk(),
        run.pagesDeduplicated(), run.pagesRecovered(), run.pagesFailed(), run.pagesSkipped(), run.outputs(), run.spots(),
        run.pagesPerSecond());
    System.out.printf("Every input page accounted for (each listed file's pages recorded; ok + failed + skipped ="
        + " pages found): %s%n", run.accountedFor() ? "yes" : "NO");
    if (run.filesRecorded() != run.inputFiles()) {
      System.out.printf("  %d file(s) whose recorded pages differ from those listed:%n",
          run.inputFiles() - run.filesRecorded());
      run.filesDiffering().forEach(file -> System.out.println("    " + file));
    }
    run.failuresByClass().forEach((errorClass, count) -> System.out.printf("  failed %-20s %d%n", errorClass, count));
  }

  static void printTables(Scriptorium scriptorium, String warehouse, String runId) {
    String where = "run_id = '" + runId + "'";
    scriptorium.sql(warehouse,
        "SELECT collection, batch_date, status, count(*) AS pages FROM scriptorium.pages WHERE " + where
            + " GROUP BY ALL ORDER BY status").show(false);
    scriptorium.sql(warehouse,
        "SELECT task, finish_reason, count(*) AS outputs, round(avg(output_tokens), 1) AS avg_tokens"
            + " FROM scriptorium.raw_outputs WHERE " + where + " GROUP BY ALL ORDER BY task, finish_reason").show(false);
    scriptorium.sql(warehouse,
        "SELECT source_uri, page_no, status, coalesce(error_class, '') AS error_class,"
            + " substr(coalesce(text, error_message), 1, 60) AS spotting_output_or_error"
            + " FROM scriptorium.current_outputs WHERE page_run_id = '" + runId + "' AND coalesce(task, 'spotting') = 'spotting'"
            + " ORDER BY source_uri, page_no LIMIT 20").show(false);
  }
}
