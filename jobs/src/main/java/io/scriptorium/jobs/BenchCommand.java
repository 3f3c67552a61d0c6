package io.scriptorium.jobs;

import io.scriptorium.jobs.bench.BenchSuite;
import io.scriptorium.jobs.bench.Figures;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Measure preprocessing, runtime, digitize, incremental planning, executor RSS and table"
        + " maintenance against their references; print a table and write JSON {\"figures\": [{name, value, unit, note}]}.")
final class BenchCommand implements Callable<Integer> {
  @Option(names = "--only", split = ",",
      description = "Groups to run (default all): preprocess, runtime, digitize, planning, rss, maintain.")
  List<String> only;

  @Option(names = "--out", defaultValue = "bench.json", description = "JSON output file (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--quick", description = "Small sizes (about a minute per group): checks that everything runs.")
  boolean quick;

  @Option(names = "--data", description = "Shared data directory with the scans (default: ../shared/data beside the"
      + " repository).")
  Path data;

  @Option(names = "--work", description = "Scratch directory, kept afterwards (default: a temp directory, deleted).")
  Path work;

  @Option(names = "--keep-work", description = "Keep the default temp scratch directory.")
  boolean keepWork;

  @Option(names = "--skip-real-shape", description = "Runtime group: skip the real-shape decoder (exported on the fly"
      + " with /usr/bin/python3 and torch, about 2.2 GB and several minutes).")
  boolean skipRealShape;

  @Override
  public Integer call() throws Exception {
    Figures figures = BenchSuite.run(new BenchSuite.Options(only == null ? null : new LinkedHashSet<>(only), out, quick,
        data, work, keepWork, skipRealShape), System.err);
    System.out.println();
    figures.print(System.out);
    System.out.println();
    System.out.println("Wrote " + out.toAbsolutePath());
    return 0;
  }
}
