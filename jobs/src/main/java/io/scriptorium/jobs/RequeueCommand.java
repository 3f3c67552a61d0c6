package io.scriptorium.jobs;

import io.scriptorium.pipeline.Scriptorium;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "requeue", mixinStandardHelpOptions = true,
    description = "Put quarantined pages back in the queue of the next digitize run.")
final class RequeueCommand implements Callable<Integer> {
  @Option(names = "--warehouse", required = true, description = "Warehouse root URI.")
  String warehouse;

  @Option(names = "--where", defaultValue = "true", description = "SQL predicate over scriptorium.pages (default: all quarantined pages).")
  String where;

  @Override
  public Integer call() {
    long pages = Scriptorium.get(Main.session("requeue")).requeue(warehouse, where);
    System.out.printf("%d quarantined page(s) requeued%n", pages);
    return 0;
  }
}
