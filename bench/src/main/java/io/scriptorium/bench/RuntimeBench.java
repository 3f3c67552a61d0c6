package io.scriptorium.bench;

import io.scriptorium.bench.runtime.RuntimeBenchmark;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The model runtime's own figures (overhead per decode step, tokens/s at batch 1/4/8/16, RSS growth over decode
 * steps): {@link RuntimeBenchmark} run in this JVM, its JSON merged into ours. Quick mode and {@code --skip-real}
 * leave out its real-shape decoder (exported on the fly with /usr/bin/python3 and torch, about 2.2 GB).
 */
final class RuntimeBench {
  private RuntimeBench() {}

  static void run(BenchContext ctx, boolean skipReal) throws Exception {
    Path out = ctx.scratch("runtime").resolve("runtime.json");
    if (ctx.repo() != null && System.getProperty("scriptorium.repo.dir") == null) {
      System.setProperty("scriptorium.repo.dir", ctx.repo().toString()); // where it finds the exporter
    }
    List<String> args = new ArrayList<>(List.of(out.toString()));
    if (ctx.quick() || skipReal) {
      args.add("--skip-real");
    }
    ctx.log("runtime: RuntimeBenchmark %s", String.join(" ", args));
    RuntimeBenchmark.main(args.toArray(String[]::new));
    ctx.figures().addAll(out, "runtime_", "RuntimeBenchmark: ");
  }
}
