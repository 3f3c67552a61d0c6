package io.scriptorium.jobs;

import io.scriptorium.pipeline.Scriptorium;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "sql", mixinStandardHelpOptions = true,
    description = "Print the rows of a Spark SQL query over the warehouse's tables (scriptorium.pages, ...).")
final class SqlCommand implements Callable<Integer> {
  @Option(names = "--warehouse", required = true, description = "Warehouse root URI.")
  String warehouse;

  @Option(names = "--limit", defaultValue = "1000", description = "Most rows to print (default: ${DEFAULT-VALUE}).")
  int limit;

  @Parameters(index = "0", description = "The query.")
  String query;

  @Override
  public Integer call() {
    Scriptorium.get(Main.session("sql")).sql(warehouse, query).show(limit, false);
    return 0;
  }
}
