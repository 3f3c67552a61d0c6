package io.scriptorium.jobs;

import org.apache.spark.sql.SparkSession;
import io.scriptorium.pipeline.Scriptorium;
import io.scriptorium.udfs.ScriptoriumFunctions;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Command-line entry point, for {@code bin/scriptorium} and {@code spark-submit --class io.scriptorium.jobs.Main}.
 * Commands are thin: they parse arguments and call the {@link Scriptorium} facade.
 */
@Command(
    name = "scriptorium",
    mixinStandardHelpOptions = true,
    description = "Archive-scale document OCR with HunyuanOCR on Spark and Delta Lake.",
    subcommands = {DigitizeCommand.class, RerunCommand.class, RequeueCommand.class, SqlCommand.class, ReparseCommand.class, ParseCommand.class, ReportCommand.class, BenchCommand.class, EvalCommand.class, InspectImageCommand.class})
public final class Main implements Runnable {

  public static void main(String[] args) {
    int exit = run(args);
    System.exit(exit);
  }

  /** Runs a command and returns its exit code (0 when it succeeded, even if some pages failed). */
  public static int run(String... args) {
    CommandLine commandLine = new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true);
    CommandLine.IParameterExceptionHandler usage = commandLine.getParameterExceptionHandler();
    commandLine.setParameterExceptionHandler((e, arguments) -> {
      if (!(e.getCommandLine().getCommand() instanceof InspectImageCommand)) {
        return usage.handleParseException(e, arguments);
      }
      // one line, like the command's other usage errors (a missing file, an unreadable bundle)
      e.getCommandLine().getErr().println("scriptorium " + InspectImageCommand.NAME + ": " + e.getMessage()
          + " (see --help)");
      return 2;
    });
    return commandLine.execute(args);
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  /** The session every command uses: local[*] unless a master was given (spark-submit, --master). */
  static SparkSession session(String command) {
    SparkSession.Builder builder = Scriptorium.configure(SparkSession.builder().appName("scriptorium " + command));
    if (System.getProperty("spark.master") == null && SparkSession.getActiveSession().isEmpty()) {
      builder.master("local[*]");
    }
    SparkSession spark = builder.getOrCreate();
    ScriptoriumFunctions.register(spark); // the SQL functions for `sql` and every other command
    return spark;
  }
}
