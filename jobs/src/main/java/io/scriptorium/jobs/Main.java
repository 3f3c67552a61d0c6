package io.scriptorium.jobs;

import org.apache.spark.sql.SparkSession;
import io.scriptorium.pipeline.Scriptorium;
import io.scriptorium.pipeline.ScriptoriumConf;
import io.scriptorium.udfs.ScriptoriumFunctions;
import picocli.CommandLine;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * Command-line entry point, for {@code bin/scriptorium} and {@code spark-submit --class io.scriptorium.jobs.Main}.
 * Commands are thin: they parse arguments and call the {@link Scriptorium} facade.
 */
@Command(
    name = "scriptorium",
    mixinStandardHelpOptions = true,
    description = "Archive-scale document OCR with HunyuanOCR on Spark and Delta Lake.",
    subcommands = {DigitizeCommand.class, RerunCommand.class, RequeueCommand.class, SqlCommand.class, ReparseCommand.class, ParseCommand.class, ReportCommand.class, EvalCommand.class, InspectImageCommand.class, StatusCommand.class, ModelCommand.class, MaintainCommand.class, ScoreCommand.class})
public final class Main implements Runnable {

  public static void main(String[] args) {
    int exit = run(args);
    System.exit(exit);
  }

  /** Runs a command and returns its exit code (0 when it succeeded, even if some pages failed). */
  public static int run(String... args) {
    CommandLine commandLine = new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true);
    // A usage error is one line naming the command and what is wrong (picocli lists the valid values), exit 2.
    commandLine.setParameterExceptionHandler((e, arguments) -> {
      String command = e.getCommandLine().getCommandSpec().qualifiedName();
      e.getCommandLine().getErr().println(command + ": " + e.getMessage() + " (see " + command + " --help)");
      return 2;
    });
    commandLine.setExecutionExceptionHandler((e, command, parsed) -> {
      if (e instanceof ScriptoriumConf.SettingException) { // a typo or a bad value in --conf is a usage error too
        command.getErr().println(command.getCommandSpec().qualifiedName() + ": " + e.getMessage());
        return 2;
      }
      throw e;
    });
    return commandLine.execute(args);
  }

  /** Builds a command's options: what they reject (IllegalArgumentException) is a usage error, one line, exit 2. */
  static <T> T options(CommandSpec command, Supplier<T> build) {
    try {
      return build.get();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(command.commandLine(), e.getMessage(), e);
    }
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
