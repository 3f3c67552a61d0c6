package io.scriptorium.bench;

import io.scriptorium.bench.runtime.RuntimeBenchmark;
import io.scriptorium.testing.PythonReference;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * {@code scriptorium bench}: the measurements of issue #8, each beside the reference it is compared with, measured in
 * the same run. Groups run in a fixed order (the ones without Spark first); a group that fails records a figure
 * saying so and the others still run. Never part of the tests' pass/fail.
 */
public final class BenchSuite {
  public static final List<String> GROUPS = List.of("preprocess", "runtime", "digitize", "planning", "rss", "maintain");

  /** What to run. */
  public record Options(Set<String> only, Path out, boolean quick, Path data, Path work, boolean keepWork,
      boolean skipRealShape) {}

  private BenchSuite() {}

  public static Figures run(Options options, PrintStream log) throws IOException {
    Set<String> groups = groups(options.only());
    Path repo = repository();
    Path data = options.data() != null ? options.data() : defaultData(repo);
    Path work = options.work() != null ? options.work() : Files.createTempDirectory("scriptorium-bench-");
    Files.createDirectories(work);
    Figures figures = new Figures(log);
    BenchContext ctx = new BenchContext(options.quick(), data, work, repo, figures, log);
    figures.add("host_cores", Host.cores(), "cores", Host.cpuModel() + "; Java " + System.getProperty("java.version")
        + (options.quick() ? "; --quick: small sizes, figures indicative only" : ""));
    figures.add("host_load_avg_1m_start", Host.load(), "load", "1-minute load average at the start; wall-clock figures"
        + " compare only at similar load");
    if (groups.contains("runtime") && !options.quick() && !options.skipRealShape()
        && !PythonReference.available()) {
      log.println(RuntimeBenchmark.EXPORTER_MISSING);
    }
    try {
      for (String group : GROUPS) {
        if (!groups.contains(group)) {
          continue;
        }
        long start = System.nanoTime();
        try {
          switch (group) {
            case "preprocess" -> PreprocessBench.run(ctx);
            case "runtime" -> RuntimeBench.run(ctx, options.skipRealShape());
            case "digitize" -> DigitizeBench.run(ctx);
            case "planning" -> PlanningBench.run(ctx);
            case "rss" -> RssBench.run(ctx);
            case "maintain" -> MaintainBench.run(ctx);
            default -> throw new IllegalStateException(group);
          }
        } catch (Exception | LinkageError e) {
          figures.missing(group + "_error", "", "the " + group + " group failed: " + e);
          e.printStackTrace(log);
        }
        ctx.log("%s done in %.0f s", group, (System.nanoTime() - start) / 1e9);
      }
    } finally {
      figures.add("host_load_avg_1m_end", Host.load(), "load", "1-minute load average at the end");
      if (!options.keepWork() && options.work() == null) {
        delete(work);
      }
    }
    figures.write(options.out());
    return figures;
  }

  /** The groups named (all when none are), or IllegalArgumentException naming an unknown one. */
  public static Set<String> groups(Collection<String> only) {
    Set<String> groups = new LinkedHashSet<>();
    for (String g : only == null || only.isEmpty() ? GROUPS : only) {
      String name = g.strip().toLowerCase(Locale.ROOT);
      if (!GROUPS.contains(name)) {
        throw new IllegalArgumentException("Unknown benchmark group '" + g + "'; groups: " + GROUPS);
      }
      groups.add(name);
    }
    return groups;
  }

  /** The repository root: the directory above this jar's (or classes') module that holds {@code bench/}. */
  static Path repository() {
    String configured = System.getProperty("scriptorium.repo.dir");
    if (configured != null) {
      return Paths.get(configured).toAbsolutePath().normalize();
    }
    try {
      Path here = Paths.get(BenchSuite.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      for (Path p = here; p != null; p = p.getParent()) {
        if (Files.isRegularFile(p.resolve("bench/preprocess_pillow.py"))) {
          return p;
        }
      }
    } catch (URISyntaxException | RuntimeException e) {
      // fall through
    }
    Path cwd = Paths.get("").toAbsolutePath();
    return Files.isDirectory(cwd.resolve("bench")) ? cwd : null;
  }

  /** {@code ../shared/data} beside the repository (as the tests find it), or null. */
  static Path defaultData(Path repo) {
    String shared = System.getProperty("scriptorium.shared.dir");
    Path candidate = shared != null ? Paths.get(shared, "data")
        : repo != null ? repo.resolve("../shared/data") : Paths.get("../shared/data");
    candidate = candidate.toAbsolutePath().normalize();
    return Files.isDirectory(candidate) ? candidate : null;
  }

  private static void delete(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // scratch space; the OS cleans temp eventually
    }
  }
}
