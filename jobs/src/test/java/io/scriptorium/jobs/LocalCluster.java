package io.scriptorium.jobs;

import io.scriptorium.pipeline.Scriptorium;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;

/**
 * A Spark standalone cluster on 127.0.0.1 made of separate JVMs (a master, workers, the executors they launch), run
 * from Spark's Maven jars: a throwaway SPARK_HOME whose {@code jars/} links the jars listed by the jobs/spark-home module
 * (stack-spark.md §6). Every process logs to a file under {@code dir/logs}; {@link #close()} stops them all.
 */
final class LocalCluster implements AutoCloseable {
  static final String EXECUTOR_MAIN = "org.apache.spark.executor.CoarseGrainedExecutorBackend";
  private static final Pattern ALIVE_WORKERS = Pattern.compile("\"aliveworkers\"\\s*:\\s*(\\d+)");

  /**
   * What the build gives a cluster test (failsafe system properties): the {@code -all} jar, copied into the test's
   * directory so that a rebuild cannot pull it away, the CPU libtorch jar executors add to their class path (it is
   * not in the {@code -all} jar), and Spark's jars as a class path string.
   */
  record Build(Path jobsJar, Path nativeJar, String sparkJars, Path repo) {
    static Build of(Path work) throws IOException {
      Path jobsJar = Paths.get(System.getProperty("scriptorium.jobs.jar"));
      Path nativeJar;
      try (Stream<Path> natives = Files.list(Paths.get(System.getProperty("scriptorium.native.dir")))) {
        nativeJar = natives.filter(p -> p.getFileName().toString().startsWith("pytorch-native-cpu")).findFirst()
            .orElseThrow();
      }
      Files.createDirectories(work);
      return new Build(Files.copy(jobsJar, work.resolve(jobsJar.getFileName())), nativeJar,
          Files.readString(Paths.get(System.getProperty("scriptorium.spark.classpath"))),
          Paths.get(System.getProperty("scriptorium.repo.dir", "..")).toAbsolutePath().normalize());
    }

    /**
     * The spark-submit settings every cluster test shares: the driver on loopback without a UI, executors that find
     * libtorch, run it on one thread and keep their temporary files (the node's bundle cache) in {@code executorTmp}.
     */
    List<String> commonConf(Path executorTmp) {
      return List.of(
          "--conf", "spark.driver.host=127.0.0.1",
          "--conf", "spark.driver.bindAddress=127.0.0.1",
          "--conf", "spark.ui.enabled=false",
          "--conf", "spark.executor.extraClassPath=" + nativeJar,
          "--conf", "spark.executor.extraJavaOptions=-Dai.djl.offline=true -Dai.djl.pytorch.num_threads=1"
              + " -Dai.djl.pytorch.num_interop_threads=1 -Djava.io.tmpdir=" + executorTmp);
    }
  }

  /** A one-core local session of the test JVM, to read what a cluster run wrote; the caller stops it. */
  static SparkSession readerSession(String appName) {
    return Scriptorium.configure(SparkSession.builder())
        .master("local[1]").appName(appName)
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.databricks.delta.snapshotPartitions", "1")
        .getOrCreate();
  }

  private final Path dir;
  private final Path sparkHome;
  private final Path jvmOpts;
  private final Map<String, Process> processes = new LinkedHashMap<>();
  private final List<Process> workers = new ArrayList<>();
  private final List<Path> workerDirs = new ArrayList<>();
  private final List<String> workerOptions = new ArrayList<>();
  private int masterPort;
  private int masterUiPort;

  /**
   * @param dir scratch directory of this cluster (logs, work dirs, local dirs)
   * @param sparkJars Spark's jars, as a class path string
   * @param log4j2 the log4j2.properties every process of the cluster uses (SPARK_HOME/conf)
   * @param jvmOpts Spark's module flags as a java argfile (bin/jvm.opts)
   */
  LocalCluster(Path dir, String sparkJars, String log4j2, Path jvmOpts) throws IOException {
    this.dir = Files.createDirectories(dir);
    this.sparkHome = Files.createDirectories(dir.resolve("spark-home"));
    this.jvmOpts = jvmOpts;
    Path jars = Files.createDirectories(sparkHome.resolve("jars"));
    for (String jar : sparkJars.trim().split(java.io.File.pathSeparator)) {
      Path source = Paths.get(jar);
      Path link = jars.resolve(source.getFileName());
      if (!Files.exists(link)) {
        Files.createSymbolicLink(link, source);
      }
    }
    Files.writeString(Files.createDirectories(sparkHome.resolve("conf")).resolve("log4j2.properties"), log4j2);
    Files.createDirectories(dir.resolve("logs"));
    Files.createDirectories(dir.resolve("local"));
    // a test JVM killed by a timeout must not leave a cluster running
    Runtime.getRuntime().addShutdownHook(new Thread(this::close, "local-cluster-stop"));
  }

  String masterUrl() {
    return "spark://127.0.0.1:" + masterPort;
  }

  Path log(String name) {
    return dir.resolve("logs").resolve(name + ".log");
  }

  List<Path> logs() {
    try (Stream<Path> files = Files.list(dir.resolve("logs"))) {
      return files.toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Makes each worker started next offer one GPU, found by {@code discoveryScript} (Spark's discovery contract: it
   * prints {@code {"name": "gpu", "addresses": [...]}}), as {@code SPARK_WORKER_OPTS} would on a GPU node.
   */
  void offerOneGpuPerWorker(Path discoveryScript) {
    workerOptions.add("-Dspark.worker.resource.gpu.amount=1");
    workerOptions.add("-Dspark.worker.resource.gpu.discoveryScript=" + discoveryScript);
  }

  /** Starts the master and the workers and waits until every worker has registered. */
  void start(int workerCount, int coresPerWorker, String memoryPerWorker, Duration timeout) throws Exception {
    masterPort = freePort();
    masterUiPort = freePort();
    launch("master", List.of("-Xmx256m"), List.of("org.apache.spark.deploy.master.Master",
        "--host", "127.0.0.1", "--port", String.valueOf(masterPort), "--webui-port", String.valueOf(masterUiPort)));
    for (int i = 1; i <= workerCount; i++) {
      Path work = Files.createDirectories(dir.resolve("worker-" + i));
      workerDirs.add(work);
      List<String> jvmOptions = new ArrayList<>(List.of("-Xmx256m"));
      jvmOptions.addAll(workerOptions);
      workers.add(launch("worker-" + i, jvmOptions, List.of("org.apache.spark.deploy.worker.Worker",
          "--host", "127.0.0.1", "--cores", String.valueOf(coresPerWorker), "--memory", memoryPerWorker,
          "--webui-port", String.valueOf(freePort()), "--work-dir", work.toString(), masterUrl())));
    }
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (aliveWorkers(http) < workerCount) {
      for (Map.Entry<String, Process> p : processes.entrySet()) {
        if (!p.getValue().isAlive()) {
          throw new IllegalStateException(p.getKey() + " exited with " + p.getValue().exitValue() + "; see "
              + log(p.getKey()) + ":\n" + tail(log(p.getKey()), 40));
        }
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("workers did not register within " + timeout + "; master log:\n"
            + tail(log("master"), 40));
      }
      Thread.sleep(500);
    }
  }

  private int aliveWorkers(HttpClient http) {
    try {
      HttpResponse<String> response = http.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + masterUiPort + "/json/")).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString());
      Matcher m = ALIVE_WORKERS.matcher(response.body());
      return m.find() ? Integer.parseInt(m.group(1)) : 0;
    } catch (IOException e) {
      return 0; // not listening yet
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    }
  }

  /** Starts spark-submit (client mode) the way bin/spark-submit would, through SparkSubmit on Spark's jars. */
  Process submit(List<String> driverJvmOptions, List<String> sparkSubmitArgs) throws IOException {
    List<String> args = new ArrayList<>(List.of("org.apache.spark.deploy.SparkSubmit", "--master", masterUrl()));
    args.addAll(sparkSubmitArgs);
    return launch("driver", driverJvmOptions, args);
  }

  private Process launch(String name, List<String> jvmOptions, List<String> mainAndArgs) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    command.add("@" + jvmOpts);
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(sparkHome.resolve("conf") + java.io.File.pathSeparator + sparkHome.resolve("jars") + "/*");
    command.addAll(mainAndArgs);
    ProcessBuilder builder = new ProcessBuilder(command)
        .directory(dir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(log(name).toFile());
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(key -> key.startsWith("SPARK_") || key.startsWith("PYSPARK_") || key.startsWith("AWS_"));
    env.put("SPARK_HOME", sparkHome.toString());
    env.put("SPARK_SCALA_VERSION", "2.13");
    env.put("SPARK_LOCAL_IP", "127.0.0.1");
    env.put("SPARK_LOCAL_DIRS", dir.resolve("local").toString());
    Process process = builder.start();
    processes.put(name, process);
    return process;
  }

  /** Executor JVMs of this cluster (children of the workers), with their executor ids. */
  Map<String, ProcessHandle> executors() {
    Map<String, ProcessHandle> executors = new LinkedHashMap<>();
    for (Process worker : workers) {
      worker.descendants().forEach(p -> {
        Optional<String[]> args = p.info().arguments();
        if (args.isPresent() && List.of(args.get()).contains(EXECUTOR_MAIN)) {
          List<String> list = List.of(args.get());
          int i = list.indexOf("--executor-id");
          if (i >= 0 && i + 1 < list.size()) {
            executors.put(list.get(i + 1), p);
          }
        }
      });
    }
    return executors;
  }

  /** Each executor's log directory ({@code <worker dir>/<app id>/<executor id>}), by executor id. */
  Map<String, Path> executorDirs() {
    Map<String, Path> dirs = new LinkedHashMap<>();
    for (Path work : workerDirs) {
      try (Stream<Path> apps = Files.list(work)) {
        for (Path app : apps.filter(Files::isDirectory).toList()) {
          try (Stream<Path> executors = Files.list(app)) {
            executors.filter(Files::isDirectory).forEach(e -> dirs.put(e.getFileName().toString(), e));
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return dirs;
  }

  static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String tail(Path file, int lines) {
    List<String> all = read(file).lines().toList();
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }

  /** Stops the driver, the executors, the workers and the master; SIGKILL for any left after 20 s. */
  @Override
  public synchronized void close() {
    List<ProcessHandle> all = new ArrayList<>();
    Process driver = processes.get("driver");
    if (driver != null) {
      all.add(driver.toHandle());
    }
    all.addAll(executors().values());
    for (Process worker : workers) {
      all.add(worker.toHandle());
    }
    Process master = processes.get("master");
    if (master != null) {
      all.add(master.toHandle());
    }
    all.forEach(ProcessHandle::destroy);
    for (ProcessHandle p : all) {
      try {
        p.onExit().get(20, TimeUnit.SECONDS);
      } catch (Exception e) {
        p.destroyForcibly();
      }
    }
  }
}
