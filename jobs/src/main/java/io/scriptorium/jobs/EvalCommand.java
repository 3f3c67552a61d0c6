package io.scriptorium.jobs;

import io.scriptorium.pipeline.Scriptorium;
import io.scriptorium.pipeline.eval.EvalOptions;
import io.scriptorium.pipeline.eval.EvalSummary;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "eval", mixinStandardHelpOptions = true,
    description = "Score model outputs against labelled pages (text NED/CER, TEDS, formula NED, spotting P/R/F1) and"
        + " append per-page and overall scores, with the model revision, to the eval table.")
final class EvalCommand implements Callable<Integer> {
  @Option(names = "--warehouse", required = true, description = "Warehouse root URI.")
  String warehouse;

  @Option(names = "--truth", required = true, description = "Local directory with ground-truth sets (OmniDocBench JSON,"
      + " PubTabNet JSONL, im2latex JSONL, Tesseract .txt/.box), e.g. ../shared/data.")
  String truth;

  @Option(names = "--where", defaultValue = "true", description = "Spark SQL predicate over eval_input (pages joined"
      + " with raw_outputs: source_uri, collection, batch_date, task, model_revision, prompt_sha256, ...); default:"
      + " ${DEFAULT-VALUE}.")
  String where;

  @Override
  public Integer call() {
    EvalSummary s = Scriptorium.get(Main.session("eval")).evaluate(new EvalOptions(warehouse, truth, where));
    System.out.printf(Locale.ROOT, "%s: %d labelled pages, %d outputs selected with truth, %d scored, %d rows appended"
        + " to scriptorium.eval%n", s.evalId(), s.truthPages(), s.outputsSelected(), s.outputsScored(), s.rowsWritten());
    System.out.printf(Locale.ROOT, "%-20s %-24s %-9s %-22s %10s %6s%n", "truth set", "model revision", "task", "metric",
        "value", "pages");
    for (EvalSummary.Overall o : s.overall()) {
      System.out.printf(Locale.ROOT, "%-20s %-24s %-9s %-22s %10.4f %6d%n", o.truthSet(), o.modelRevision(), o.task(),
          o.metric(), o.value(), o.pages());
    }
    return 0;
  }
}
