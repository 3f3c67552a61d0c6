package io.scriptorium.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.scriptorium.model.Sha256;
import io.scriptorium.pipeline.S3TestServer;
import io.scriptorium.pipeline.TestPages;
import io.scriptorium.pipeline.TinyBundleFiles;
import io.scriptorium.testing.ClusterTest;
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
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * Issue #6 on a real cluster on one machine: a Spark standalone master and two workers as separate JVMs on
 * 127.0.0.1, started from Spark's Maven jars, and {@code digitize} submitted with the shaded jobs jar through
 * SparkSubmit, as {@code spark-submit} would. Pages and the model bundle are on an S3 server (s3a:// from the shaded
 * jar's S3A), the warehouse on local disk. One executor JVM is killed with SIGKILL while the model runs.
 *
 * <p>Checks: the job succeeds; every (page, task) is in the tables exactly once; each executor JVM loaded the model
 * once however many tasks it ran; the workers offer a GPU that only the inference stages request (Spark's event log
 * shows their task profile, and the commit stages under the default one); chunks are sized to the inference slots;
 * the bundle was fetched into the executors' node cache (not the driver's); the S3 secret appears in no process's
 * log, and spark-submit --verbose prints it redacted.
 */
@ClusterTest
class StandaloneClusterIT {
  private static final String ACCESS_KEY = "cluster-it-access";
  private static final String SECRET_KEY = "ClusterIt-" + UUID.randomUUID().toString().replace("-", "");
  private static final int PAGES = 16;
  private static final String LOADED = "Loaded scriptorium/hunyuan-ocr-tiny";
  private static final Pattern RUNNING_TASK = Pattern.compile("Running task \\S+ in stage \\S+ \\(TID (\\d+)\\)");

  @Test
  void digitizeOnAStandaloneClusterLoadsTheModelOncePerExecutorAndSurvivesAKilledExecutor() throws Exception {
    String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    Path work = Paths.get(System.getProperty("scriptorium.it.dir", "target/cluster-it")).toAbsolutePath().resolve(stamp);
    LocalCluster.Build build = LocalCluster.Build.of(work);

    String suffix = Long.toHexString(System.nanoTime());
    String pagesBucket = "cluster-pages-" + suffix;
    String modelsBucket = "cluster-models-" + suffix;
    Path warehouse = work.resolve("warehouse");
    Path executorTmp = Files.createDirectories(work.resolve("executor-tmp"));
    Path driverTmp = Files.createDirectories(work.resolve("driver-tmp"));
    long start = System.nanoTime();

    try (S3TestServer s3 = S3TestServer.start(ACCESS_KEY, SECRET_KEY);
        LocalCluster cluster = new LocalCluster(work, build.sparkJars(), LOG4J2, build.repo().resolve("bin/jvm.opts"))) {
      s3.createBucket(pagesBucket);
      s3.createBucket(modelsBucket);
      for (int i = 1; i <= PAGES; i++) {
        s3.put(pagesBucket, String.format(Locale.ROOT, "incoming/folio-%02d.png", i),
            TestPages.png("Cluster folio " + i + " of " + PAGES));
      }
      TinyBundleFiles.read().forEach((name, bytes) -> s3.put(modelsBucket, "hunyuan-tiny/" + name, bytes));

      // each worker offers one GPU (a script that names it; the model still runs on CPU), which only the inference
      // stage requests (spark.scriptorium.inference.gpusPerTask): one inference task per executor at a time, and
      // the executor's second core free for commits
      Path gpuScript = work.resolve("fake-gpu.sh");
      Files.writeString(gpuScript, "#!/bin/sh\necho '{\"name\": \"gpu\", \"addresses\": [\"0\"]}'\n");
      gpuScript.toFile().setExecutable(true);
      cluster.offerOneGpuPerWorker(gpuScript);
      cluster.start(2, 2, "2g", Duration.ofMinutes(3));
      Path events = Files.createDirectories(work.resolve("events"));
      List<String> submit = new ArrayList<>(List.of(
          "--verbose", "--deploy-mode", "client", "--name", "scriptorium-cluster-it",
          "--class", "io.scriptorium.jobs.Main",
          "--conf", "spark.executor.cores=2",
          "--conf", "spark.cores.max=4",
          "--conf", "spark.executor.memory=900m",
          "--conf", "spark.sql.shuffle.partitions=4",
          "--conf", "spark.databricks.delta.snapshotPartitions=2",
          "--conf", "spark.scriptorium.pagesPerPartition=1",
          "--conf", "spark.scriptorium.task.pagesInFlight=2",
          "--conf", "spark.scriptorium.progress.intervalSeconds=5",
          // chunks of 4 pages at least, raised to 4 waves over the 2 inference slots (one GPU per executor): 8 pages,
          // so 2 chunks, the first committed beside the second's inference; both executors counted at planning
          "--conf", "spark.scriptorium.commit.chunkPages=4",
          "--conf", "spark.scheduler.minRegisteredResourcesRatio=1.0",
          "--conf", "spark.executor.resource.gpu.amount=1",
          "--conf", "spark.scriptorium.inference.gpusPerTask=1",
          "--conf", "spark.eventLog.enabled=true",
          "--conf", "spark.eventLog.compress=false",
          "--conf", "spark.eventLog.dir=" + events.toUri()));
      submit.addAll(build.commonConf(executorTmp));
      for (String bucket : List.of(pagesBucket, modelsBucket)) {
        Map<String, String> settings = new TreeMap<>(s3.bucketSettings(bucket, work.resolve("s3a-buffer").toString()));
        settings.putAll(S3TestServer.credentials(bucket, ACCESS_KEY, SECRET_KEY));
        settings.forEach((k, v) -> {
          submit.add("--conf");
          submit.add("spark.hadoop." + k + "=" + v);
        });
      }
      submit.addAll(List.of(build.jobsJar().toString(), "digitize",
          "--input", "s3a://" + pagesBucket + "/incoming/",
          "--model", "s3a://" + modelsBucket + "/hunyuan-tiny/",
          "--warehouse", warehouse.toUri().toString(),
          "--collection", "cluster", "--batch-date", "2026-11-25", "--tasks", "spotting", "--quiet-summary"));
      Process driver = cluster.submit(List.of("-Xmx1g", "-Dai.djl.offline=true", "-Djava.io.tmpdir=" + driverTmp), submit);

      Killed killed = killAnExecutorOnceItsModelRuns(cluster, driver, Duration.ofMinutes(8));
      assertThat(driver.waitFor(10, TimeUnit.MINUTES)).as("driver finished").isTrue();
      String driverLog = LocalCluster.read(cluster.log("driver"));
      assertThat(driver.exitValue()).as("spark-submit exit code; driver log:\n%s", LocalCluster.tail(cluster.log("driver"), 80))
          .isZero();
      System.out.printf(Locale.ROOT, "cluster IT: job done %.1f s after the start, executor %s (pid %d) killed%n",
          (System.nanoTime() - start) / 1e9, killed.executorId(), killed.pid());

      // (b) the lost executor was noticed, replaced, and its work redone: the job still wrote every page once
      assertThat(killed.pid()).isPositive();
      assertThat(driverLog).containsPattern("Lost executor " + killed.executorId() + "\\b");
      assertExactlyOnce(warehouse);

      assertThat(driverLog).as("chunks sized to the cluster's inference slots").contains("2 chunk(s) of up to 8 pages");

      // stage-level scheduling: inference stages under the profile that requests the GPU, commit stages without it
      assertInferenceAloneRequestedTheGpu(events);

      // (a) one model load per executor JVM, however many tasks it ran
      Map<String, Path> executorDirs = cluster.executorDirs();
      assertThat(executorDirs).as("executors, the replacement included").hasSizeGreaterThanOrEqualTo(3);
      int executorsThatRanTheModel = 0;
      for (Map.Entry<String, Path> executor : executorDirs.entrySet()) {
        String log = LocalCluster.read(executor.getValue().resolve("stderr"));
        int loads = count(log, LOADED);
        assertThat(loads).as("model loads in executor %s", executor.getKey()).isLessThanOrEqualTo(1);
        if (loads == 1) {
          executorsThatRanTheModel++;
          if (!executor.getKey().equals(killed.executorId())) {
            String afterLoad = log.substring(log.indexOf(LOADED));
            assertThat(count(afterLoad, RUNNING_TASK)).as("tasks executor %s ran after its one load", executor.getKey())
                .isGreaterThanOrEqualTo(2);
          }
        }
      }
      assertThat(executorsThatRanTheModel).isGreaterThanOrEqualTo(2);

      // the bundle came from s3a into the executors' node cache, named by its manifest hash, fetched once per node
      String sha = Sha256.hex(TinyBundleFiles.read().get("manifest.json"));
      try (Stream<Path> cached = Files.list(executorTmp.resolve("scriptorium-bundles"))) {
        assertThat(cached.map(p -> p.getFileName().toString())).containsExactly(sha);
      }
      String executorLogs = executorDirs.values().stream()
          .map(d -> LocalCluster.read(d.resolve("stderr")) + LocalCluster.read(d.resolve("stdout")))
          .reduce("", String::concat);
      assertThat(count(executorLogs, "Fetched model bundle s3a://" + modelsBucket)).isBetween(1, 2);

      // the pages were decoded by the native libraries the shaded jar keeps of OpenCV (jobs/pom.xml filters them)
      assertThat(executorLogs).contains("JPEG/PNG pages decoded by libjpeg-turbo")
          .doesNotContain("Native JPEG/PNG decoding (OpenCV) is unavailable");

      // no secret in any log of any process; spark-submit --verbose shows it redacted
      assertThat(driverLog).contains("spark.hadoop.fs.s3a.bucket." + pagesBucket + ".secret.key")
          .contains("*********(redacted)");
      for (Path log : cluster.logs()) {
        assertThat(LocalCluster.read(log)).as(log.toString()).doesNotContain(SECRET_KEY);
      }
      assertThat(executorLogs).doesNotContain(SECRET_KEY);
    }
    System.out.printf(Locale.ROOT, "cluster IT: %.1f s in all%n", (System.nanoTime() - start) / 1e9);
  }

  private record Killed(String executorId, long pid) {}

  /**
   * Waits until an executor has loaded the model (it is running inference tasks), then kills that JVM with SIGKILL
   * while the driver still runs.
   */
  private static Killed killAnExecutorOnceItsModelRuns(LocalCluster cluster, Process driver, Duration timeout)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!driver.isAlive()) {
        throw new AssertionError("the job ended before an executor could be killed; driver log:\n"
            + LocalCluster.tail(cluster.log("driver"), 60));
      }
      for (Map.Entry<String, Path> executor : cluster.executorDirs().entrySet()) {
        if (LocalCluster.read(executor.getValue().resolve("stderr")).contains(LOADED)) {
          Thread.sleep(1_000); // let it get into its pages
          ProcessHandle process = cluster.executors().get(executor.getKey());
          if (process != null && driver.isAlive()) {
            long pid = process.pid();
            process.destroyForcibly(); // SIGKILL
            process.onExit().get(60, TimeUnit.SECONDS);
            return new Killed(executor.getKey(), pid);
          }
        }
      }
      Thread.sleep(200);
    }
    throw new AssertionError("no executor loaded the model within " + timeout + "; driver log:\n"
        + LocalCluster.tail(cluster.log("driver"), 60));
  }

  /** Every page once in pages, every (page, task) once in raw_outputs, all ok; read with a local session. */
  private static void assertExactlyOnce(Path warehouse) {
    SparkSession spark = LocalCluster.readerSession("cluster-it-check");
    try {
      spark.read().format("delta").load(warehouse.resolve("pages").toString()).createOrReplaceTempView("pages");
      spark.read().format("delta").load(warehouse.resolve("raw_outputs").toString()).createOrReplaceTempView("raw_outputs");
      Row pages = spark.sql("SELECT count(*), count(DISTINCT page_id), count_if(status = 'ok'), count(DISTINCT run_id)"
          + " FROM pages").first();
      assertThat(List.of(pages.getLong(0), pages.getLong(1), pages.getLong(2), pages.getLong(3)))
          .as("pages rows, distinct pages, ok pages, runs").containsExactly((long) PAGES, (long) PAGES, (long) PAGES, 1L);
      Row outputs = spark.sql("SELECT count(*), count(DISTINCT page_id, task) FROM raw_outputs").first();
      assertThat(List.of(outputs.getLong(0), outputs.getLong(1))).as("raw_outputs rows, distinct (page, task)")
          .containsExactly((long) PAGES, (long) PAGES);
    } finally {
      spark.stop();
    }
  }

  /**
   * From Spark's event log (Spark 4 writes it rolled: a directory of {@code events_*} files): the stage that runs the
   * model (it writes the chunk's results, {@code parquet at ChunkInference}) ran under the task profile that requests
   * one GPU; the stages before it that read and shuffle the plan, and every stage of a chunk commit (the
   * fair-scheduler pool {@code scriptorium-commit}), under the default profile, 0.
   */
  private static void assertInferenceAloneRequestedTheGpu(Path events) throws Exception {
    ObjectMapper json = new ObjectMapper();
    Set<Integer> gpuProfiles = new TreeSet<>();
    Map<Integer, Integer> profileOfStage = new TreeMap<>();
    Set<Integer> inferenceStages = new TreeSet<>();
    Set<Integer> planStages = new TreeSet<>();
    Set<Integer> commitStages = new TreeSet<>();
    List<Path> files;
    try (Stream<Path> walk = Files.walk(events)) {
      files = walk.filter(p -> p.getFileName().toString().startsWith("events_")).sorted().toList();
    }
    assertThat(files).as("event log files").isNotEmpty();
    for (Path file : files) {
      for (String line : Files.readAllLines(file)) {
        JsonNode event = json.readTree(line);
        JsonNode properties = event.path("Properties");
        switch (event.path("Event").asText()) {
          case "SparkListenerResourceProfileAdded" -> {
            if (event.path("Task Resource Requests").path("gpu").path("Amount").asDouble() == 1.0) {
              gpuProfiles.add(event.path("Resource Profile Id").asInt());
            }
          }
          case "SparkListenerStageSubmitted" -> {
            JsonNode info = event.path("Stage Info");
            int stage = info.path("Stage ID").asInt();
            profileOfStage.put(stage, info.path("Resource Profile Id").asInt(-1));
            if ("scriptorium-commit".equals(properties.path("spark.scheduler.pool").asText())) {
              commitStages.add(stage);
            } else if (properties.path("spark.job.description").asText().contains(": infer ")) {
              (info.path("Stage Name").asText().startsWith("parquet at ChunkInference") ? inferenceStages
                  : planStages).add(stage);
            }
          }
          default -> { }
        }
      }
    }
    assertThat(gpuProfiles).as("task profiles requesting one GPU").hasSize(1);
    assertThat(inferenceStages).as("inference stages").isNotEmpty();
    assertThat(inferenceStages.stream().map(profileOfStage::get)).as("inference stages' profiles")
        .containsOnly(gpuProfiles.iterator().next());
    assertThat(planStages.stream().map(profileOfStage::get)).as("plan stages' profiles").containsOnly(0);
    assertThat(commitStages).as("commit stages").isNotEmpty();
    assertThat(commitStages.stream().map(profileOfStage::get)).as("commit stages' profiles").containsOnly(0);
  }

  private static int count(String text, String needle) {
    int n = 0;
    for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length())) {
      n++;
    }
    return n;
  }

  private static int count(String text, Pattern pattern) {
    Matcher m = pattern.matcher(text);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }

  /** INFO for Spark (task lines, lost executors), so the logs show what happened; every process uses it. */
  private static final String LOG4J2 = String.join("\n",
      "rootLogger.level = info",
      "rootLogger.appenderRef.stderr.ref = console",
      "appender.console.type = Console",
      "appender.console.name = console",
      "appender.console.target = SYSTEM_ERR",
      "appender.console.layout.type = PatternLayout",
      "appender.console.layout.pattern = %d{HH:mm:ss.SSS} %-5p %c{1}: %m%n",
      "logger.jetty.name = org.sparkproject.jetty",
      "logger.jetty.level = warn",
      "logger.cudautils.name = ai.djl.util.cuda.CudaUtils",
      "logger.cudautils.level = error",
      "");

}
