package io.scriptorium.bench;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Executor RSS over a run of 10,000 pages after warm-up: {@link RssProbe} in a child JVM (same class path and JVM
 * options as this one, but a fixed pre-touched 1 GiB heap), local[2], tiny model, tiny generated pages.
 */
final class RssBench {
  private RssBench() {}

  static void run(BenchContext ctx) throws Exception {
    Figures f = ctx.figures();
    long warmup = ctx.quick() ? 100 : 2_000;
    long pages = ctx.quick() ? 100 : 10_000;
    Path out = ctx.scratch("rss").resolve("rss.json");
    List<String> command = new ArrayList<>();
    command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (!arg.startsWith("-Xm") && !arg.startsWith("-XX:+AlwaysPreTouch") && !arg.startsWith("-agentlib")
          && !arg.startsWith("-javaagent")) {
        command.add(arg);
      }
    }
    command.addAll(List.of("-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch", "-cp", System.getProperty("java.class.path"),
        RssProbe.class.getName(), String.valueOf(warmup), String.valueOf(pages), out.toString()));
    ctx.log("rss: child JVM, %d warm-up + %d pages", warmup, pages);
    double load0 = Host.load();
    Process p = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ctx.scratch("rss").resolve("child.log").toFile()).start();
    if (!p.waitFor(60, TimeUnit.MINUTES) || p.exitValue() != 0) {
      p.destroyForcibly();
      f.missing("rss_growth_mb_10k_pages", "MB", "child JVM failed (exit " + (p.isAlive() ? "timeout" : p.exitValue())
          + "), see " + ctx.scratch("rss").resolve("child.log"));
      return;
    }
    JsonObject r = JsonParser.parseString(Files.readString(out, StandardCharsets.UTF_8)).getAsJsonObject();
    double growth = r.get("rss_mb_at_end").getAsDouble() - r.get("rss_mb_at_warmup").getAsDouble();
    String name = ctx.quick() ? "rss_growth_mb_quick" : "rss_growth_mb_10k_pages";
    f.add(name, growth, "MB", String.format(Locale.ROOT, "VmRSS of the executor JVM (%s, %d tasks sharing one tiny"
            + " runtime) after %d more pages following a %d-page warm-up: %.0f -> %.0f MB (max %.0f); heap fixed at 1 GiB"
            + " and pre-touched (committed heap change %.1f MB); 200x150 generated pages, spotting+parse (<= 16 new tokens each), %.1f pages/s;"
            + " target < 50 MB; load %.1f on %d cores", r.get("master").getAsString(), r.get("tasks").getAsInt(),
        r.get("measured_pages").getAsLong(), warmup, r.get("rss_mb_at_warmup").getAsDouble(),
        r.get("rss_mb_at_end").getAsDouble(), r.get("rss_mb_max").getAsDouble(),
        r.get("heap_committed_growth_mb").getAsDouble(), r.get("pages").getAsDouble() / r.get("seconds").getAsDouble(),
        load0, Host.cores()));
  }
}
