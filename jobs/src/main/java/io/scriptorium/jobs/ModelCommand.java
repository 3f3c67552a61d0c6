package io.scriptorium.jobs;

import io.scriptorium.model.BundleException;
import io.scriptorium.model.ModelInfo;
import io.scriptorium.model.OcrRuntime;
import io.scriptorium.model.Prompt;
import io.scriptorium.model.RuntimeConfig;
import io.scriptorium.model.Task;
import io.scriptorium.model.TaskSpec;
import io.scriptorium.pipeline.Scriptorium;
import io.scriptorium.pipeline.ScriptoriumConf;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "model", mixinStandardHelpOptions = true, description = "Model bundles.",
    subcommands = {ModelCommand.Describe.class})
final class ModelCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "give a subcommand: describe");
  }

  @Command(name = "describe", mixinStandardHelpOptions = true,
      description = "Verify a bundle (every file's checksum) and print the manifest sha256 to pin"
          + " (--model-sha256, spark.scriptorium.model.sha256), the model id, revision, dtype, the prompts of the"
          + " default prompt set and the files. Loads no model. Exit 0, or 1 when the bundle does not verify.")
  static final class Describe implements Callable<Integer> {
    @Parameters(paramLabel = "URI", description = "Bundle: builtin:tiny, a directory or any file-system URI.")
    String uri;

    @Override
    public Integer call() throws IOException {
      String cache = System.getProperty(ScriptoriumConf.MODEL_CACHE_DIR, ScriptoriumConf.MODEL_CACHE_DIR_DEFAULT)
          .replace(ScriptoriumConf.JAVA_IO_TMPDIR, System.getProperty("java.io.tmpdir"));
      RuntimeConfig config;
      ModelInfo model;
      try {
        config = RuntimeConfig.defaults().withBundle(Scriptorium.localizeBundle(uri, new Configuration(), cache));
        model = OcrRuntime.describe(config);
      } catch (BundleException e) {
        System.err.println("scriptorium model describe: " + e.getMessage());
        return 1;
      }
      System.out.println("sha256     " + model.bundleSha256() + "   (pin it: --model-sha256 " + model.bundleSha256() + ")");
      System.out.println("model      " + model.modelId() + " " + model.revision() + ", " + model.dtype());
      System.out.println("generation " + model.generationSettings());
      System.out.println("prompts (default set):");
      for (Task task : List.of(Task.SPOTTING, Task.PARSE, Task.FORMULA, Task.TABLE, Task.CHART, Task.TEXT,
          Task.SUBTITLES)) {
        Prompt prompt = OcrRuntime.prompts(config, List.of(TaskSpec.of(task))).get(0);
        System.out.printf("  %-10s [%s] %s%n", task.key(), prompt.language(), prompt.text().replace("\n", "\\n"));
      }
      System.out.println("files (every checksum verified):");
      Path dir = config.bundle().equals(RuntimeConfig.BUILTIN_TINY) ? null : Path.of(config.bundle());
      if (dir == null) {
        System.out.println("  inside the scriptorium jar: manifest.json, model.pt, tokenizer.json");
      } else {
        try (Stream<Path> files = Files.list(dir)) {
          for (Path file : files.filter(f -> !f.getFileName().toString().startsWith(".")).sorted().toList()) {
            System.out.printf("  %-20s %,d bytes%n", file.getFileName(), Files.size(file));
          }
        }
      }
      return 0;
    }
  }
}
