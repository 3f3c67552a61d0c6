package io.scriptorium.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.scriptorium.pipeline.FaultyFileSystem;
import io.scriptorium.pipeline.Scriptorium;
import io.scriptorium.pipeline.TestPages;
import io.scriptorium.pipeline.vocab.ErrorClass;
import io.scriptorium.pipeline.vocab.PageStatus;
import io.scriptorium.pipeline.vocab.RunState;
import io.scriptorium.testing.ClusterTest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * A page cannot kill the night, where it really can: on a Spark standalone cluster of separate JVMs
 * ({@link LocalCluster}), a page whose reading halts its executor JVM ({@link FaultyFileSystem}'s {@code *kills*}
 * file, shipped to the cluster in a jar built here). Spark aborts the chunk's job after {@code spark.task.maxFailures}
 * (2 here) lost executors; ChunkInference splits the chunk until the page is alone, records it failed with
 * {@code executor_lost}, keeps the other pages' results, and the run succeeds.
 */
@ClusterTest
class ExecutorLossIT {
  /** The killer sorts first, so the chunk's first half is the killer alone: two failing jobs, not three. */
  private static final List<String> FILES = List.of("folio-1-kills.png", "folio-2.png", "folio-3.png");

  @Test
  void aPageThatKillsItsExecutorBecomesAFailedRowAndTheRunSucceeds() throws Exception {
    String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    Path work = Paths.get(System.getProperty("scriptorium.it.dir", "target/cluster-it")).toAbsolutePath()
        .resolve("executor-loss-" + stamp);
    LocalCluster.Build build = LocalCluster.Build.of(work);
    Path pages = Files.createDirectories(work.resolve("pages"));
    for (String file : FILES) {
      TestPages.write(pages, file, "Executor loss " + file);
    }
    Path warehouse = work.resolve("warehouse");
    Path executorTmp = Files.createDirectories(work.resolve("executor-tmp"));
    long start = System.nanoTime();

    try (LocalCluster cluster = new LocalCluster(work, build.sparkJars(), LOG4J2, build.repo().resolve("bin/jvm.opts"))) {
      cluster.start(1, 2, "2g", Duration.ofMinutes(3));
      List<String> submit = new ArrayList<>(build.commonConf(executorTmp));
      submit.addAll(List.of(
          "--deploy-mode", "client", "--name", "scriptorium-executor-loss-it",
          "--class", "io.scriptorium.jobs.Main",
          "--jars", faultyFileSystemJar(work).toString(),
          "--conf", "spark.executor.cores=2",
          "--conf", "spark.cores.max=2",
          "--conf", "spark.executor.memory=900m",
          "--conf", "spark.task.maxFailures=2", // a job fails after two lost executors (task or stage attempts)
          "--conf", "spark.stage.maxConsecutiveAttempts=2",
          "--conf", "spark.sql.shuffle.partitions=2",
          "--conf", "spark.databricks.delta.snapshotPartitions=2",
          "--conf", "spark.hadoop.fs.faulty.impl=" + FaultyFileSystem.class.getName(),
          "--conf", "spark.hadoop.fs.faulty.impl.disable.cache=true",
          "--conf", "spark.scriptorium.pagesPerPartition=1",
          "--conf", "spark.scriptorium.task.pagesInFlight=1",
          build.jobsJar().toString(), "digitize",
          "--input", FaultyFileSystem.uri(pages),
          "--warehouse", warehouse.toUri().toString(),
          "--collection", "executor-loss", "--batch-date", "2026-11-25", "--tasks", "spotting", "--quiet-summary"));
      Process driver = cluster.submit(List.of("-Xmx1g", "-Dai.djl.offline=true"), submit);

      assertThat(driver.waitFor(10, TimeUnit.MINUTES)).as("driver finished").isTrue();
      assertThat(driver.exitValue())
          .as("spark-submit exit code; driver log:\n%s", LocalCluster.tail(cluster.log("driver"), 80))
          .isZero();
      System.out.printf(Locale.ROOT, "executor loss IT: job done %.1f s after the start%n",
          (System.nanoTime() - start) / 1e9);

      // the executors really died under the page, as often as Spark tried it: twice for the chunk, twice alone
      String driverLog = LocalCluster.read(cluster.log("driver"));
      Pattern halted = Pattern.compile("Lost executor \\S+ on \\S+: Command exited with code " + FaultyFileSystem.KILLED_STATUS);
      assertThat(halted.matcher(driverLog).results().count()).as("executors halted by the page").isGreaterThanOrEqualTo(4);
      assertThat(driverLog).contains("inferring its halves as jobs of their own",
          "folio-1-kills.png page 1: its executor died under it");
    }

    Map<String, Row> rows = pages(warehouse);
    assertThat(rows).containsOnlyKeys(FILES);
    for (String file : List.of("folio-2.png", "folio-3.png")) {
      assertThat(rows.get(file).getString(1)).as(file).isEqualTo(PageStatus.OK.wireName());
    }
    Row killer = rows.get("folio-1-kills.png");
    assertThat(List.of(killer.getString(1), killer.getString(2), killer.getInt(4)))
        .as("status, error_class, attempts")
        .containsExactly(PageStatus.FAILED.wireName(), ErrorClass.EXECUTOR_LOST.wireName(), 1);
    assertThat(killer.getString(3)).contains("folio-1-kills.png page 1: its executor died under it",
        "exited with code " + FaultyFileSystem.KILLED_STATUS);
    System.out.printf(Locale.ROOT, "executor loss IT: %.1f s in all%n", (System.nanoTime() - start) / 1e9);
  }

  /** The one class file of {@link FaultyFileSystem}, as a jar for {@code --jars}. */
  private static Path faultyFileSystemJar(Path dir) throws IOException {
    String entry = FaultyFileSystem.class.getName().replace('.', '/') + ".class";
    Path jar = dir.resolve("faulty-fs.jar");
    try (InputStream in = FaultyFileSystem.class.getClassLoader().getResourceAsStream(entry);
        OutputStream file = Files.newOutputStream(jar);
        JarOutputStream out = new JarOutputStream(file)) {
      out.putNextEntry(new JarEntry(entry));
      in.transferTo(out);
      out.closeEntry();
    }
    return jar;
  }

  /** The pages rows by file name (name, status, error_class, error_message, attempts) and the run's status. */
  private static Map<String, Row> pages(Path warehouse) {
    SparkSession spark = LocalCluster.readerSession("executor-loss-it-check");
    try {
      Row run = spark.read().format("delta").load(warehouse.resolve("runs").toString()).select("status").first();
      assertThat(run.getString(0)).as("the run").isEqualTo(RunState.SUCCEEDED.wireName());
      return spark.read().format("delta").load(warehouse.resolve("pages").toString())
          .selectExpr("regexp_extract(source_uri, '[^/]+$', 0)", "status", "error_class", "error_message", "attempts")
          .collectAsList().stream()
          .collect(Collectors.toMap(r -> r.getString(0), r -> r));
    } finally {
      spark.stop();
    }
  }

  /** Spark at WARN (lost executors are logged at ERROR, with their exit code), Scriptorium at INFO. */
  private static final String LOG4J2 = String.join("\n",
      "rootLogger.level = warn",
      "rootLogger.appenderRef.stderr.ref = console",
      "appender.console.type = Console",
      "appender.console.name = console",
      "appender.console.target = SYSTEM_ERR",
      "appender.console.layout.type = PatternLayout",
      "appender.console.layout.pattern = %d{HH:mm:ss.SSS} %-5p %c{1}: %m%n",
      "logger.scriptorium.name = io.scriptorium",
      "logger.scriptorium.level = info",
      "");
}
