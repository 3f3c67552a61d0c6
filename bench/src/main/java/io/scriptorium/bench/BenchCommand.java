package io.scriptorium.bench;

import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code bin/scriptorium bench}: the benchmarks' own entry point, in their own module so that the production jars do
 * not carry them.
 */
@Command(name = "scriptorium bench", mixinStandardHelpOptions = true,
    description = "Measure preprocessing, runtime, digitize, incremental planning, executor RSS and table"
        + " maintenance against their references; print a table and write JSON {\"figures\": [{name, value, unit, note}]}.")
public final class BenchCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

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

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the benchmarks and returns the exit code; a usage error is one line, exit 2 (as the other commands). */
  public static int run(String... args) {
    CommandLine commandLine = new CommandLine(new BenchCommand());
    commandLine.setParameterExceptionHandler((e, arguments) -> {
      String command = e.getCommandLine().getCommandSpec().qualifiedName();
      e.getCommandLine().getErr().println(command + ": " + e.getMessage() + " (see " + command + " --help)");
      return 2;
    });
    return commandLine.execute(args);
  }

  @Override
  public Integer call() throws Exception {
    try {
      BenchSuite.groups(only);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    Figures figures = BenchSuite.run(new BenchSuite.Options(only == null ? null : new LinkedHashSet<>(only), out, quick,
        data, work, keepWork, skipRealShape), System.err);
    System.out.println();
    figures.print(System.out);
    System.out.println();
    System.out.println("Wrote " + out.toAbsolutePath());
    return 0;
  }
}
