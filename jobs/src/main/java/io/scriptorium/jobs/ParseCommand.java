package io.scriptorium.jobs;

import io.scriptorium.pipeline.derive.ParsedOutputJson;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "parse", mixinStandardHelpOptions = true,
    description = "Parse one raw model output and print the records as JSON (no Spark), to debug an output.")
final class ParseCommand implements Callable<Integer> {
  @Option(names = "--task", required = true,
      description = "Task the output answers: spotting, parse, formula, table, chart, text, ie, translate, subtitles, vqa.")
  String task;

  @Option(names = "--width", description = "Page width in pixels, to add pixel boxes.")
  Integer width;

  @Option(names = "--height", description = "Page height in pixels, to add pixel boxes.")
  Integer height;

  @Option(names = "--target-lang", description = "translate: the language the prompt asked for.")
  String targetLanguage;

  @Option(names = "--key", description = "ie: the key of a single-key prompt, when the answer is a bare value.")
  String key;

  @Parameters(index = "0", arity = "0..1", defaultValue = "-", description = "File holding the output; - for stdin (default).")
  String file;

  @Override
  public Integer call() throws IOException {
    String text;
    if (file.equals("-")) {
      InputStream in = System.in;
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } else {
      text = Files.readString(Path.of(file), StandardCharsets.UTF_8);
    }
    try {
      System.out.println(ParsedOutputJson.render(task, text, targetLanguage, key, width, height));
      return 0;
    } catch (IllegalArgumentException e) { // an unknown task, or only one of --width and --height
      System.err.println("scriptorium parse: " + e.getMessage());
      return 2;
    }
  }
}
