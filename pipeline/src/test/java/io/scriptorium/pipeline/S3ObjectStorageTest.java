package io.scriptorium.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scriptorium.model.Task;
import io.scriptorium.model.TaskSpec;
import io.scriptorium.pipeline.infer.BundleCache;
import io.scriptorium.pipeline.infer.BundleCacheTest;
import io.scriptorium.testing.SparkTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.security.alias.CredentialProvider;
import org.apache.hadoop.security.alias.CredentialProviderFactory;
import org.apache.logging.log4j.Level;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import scala.Tuple2;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Issue #6 on real object storage: an S3 server (S3Proxy) on 127.0.0.1, S3A with its default retry policies, pages,
 * model bundle and Delta warehouse on {@code s3a://}. Credentials come from S3A's standard routes (per-bucket
 * properties, a Hadoop credential file), never from the URI, and never reach logs or tables.
 */
@SparkTest
class S3ObjectStorageTest {
  private static final String ACCESS_KEY = "scriptorium-test-access";
  /** The secret every log line and table row is scanned for. */
  private static final String SECRET_KEY = "Sc41pt0r1um-" + UUID.randomUUID().toString().replace("-", "");
  private static final String SUFFIX = Long.toHexString(System.nanoTime()).toLowerCase(Locale.ROOT);
  /** Unique per JVM run: S3A file systems are cached per bucket for the life of the JVM. */
  private static final String PAGES = "pages-" + SUFFIX;
  private static final String MODELS = "models-" + SUFFIX;
  private static final String WAREHOUSE = "warehouse-" + SUFFIX;
  private static final String CREDFILE = "credfile-" + SUFFIX;
  private static final String DENIED = "denied-" + SUFFIX;
  private static final String MISSING = "missing-" + SUFFIX;
  private static final int PAGE_COUNT = 3;
  private static final List<TaskSpec> SPOTTING = List.of(TaskSpec.of(Task.SPOTTING));

  private static S3TestServer server;
  private static Path scratch;
  private static final Map<String, String> SETTINGS = new LinkedHashMap<>();

  @BeforeAll
  static void startServer() throws Exception {
    SparkSession spark = SparkTestSession.get();
    scratch = SparkTestSession.newDirectory("s3-");
    server = S3TestServer.start(ACCESS_KEY, SECRET_KEY);
    for (String bucket : List.of(PAGES, MODELS, WAREHOUSE, CREDFILE, DENIED)) {
      server.createBucket(bucket);
      SETTINGS.putAll(server.bucketSettings(bucket, scratch.resolve("s3a-buffer").toString()));
    }
    for (String bucket : List.of(PAGES, MODELS, WAREHOUSE)) {
      SETTINGS.putAll(S3TestServer.credentials(bucket, ACCESS_KEY, SECRET_KEY));
    }
    // denied: the right access key with a wrong secret; missing: a bucket the server does not have
    SETTINGS.putAll(S3TestServer.credentials(DENIED, ACCESS_KEY, "wrong-" + SECRET_KEY));
    SETTINGS.putAll(server.bucketSettings(MISSING, scratch.resolve("s3a-buffer").toString()));
    SETTINGS.putAll(S3TestServer.credentials(MISSING, ACCESS_KEY, SECRET_KEY));
    S3TestServer.apply(spark.sparkContext().hadoopConfiguration(), SETTINGS);

    for (int i = 1; i <= PAGE_COUNT; i++) {
      server.put(PAGES, "incoming/page-" + i + ".png", TestPages.png("Scriptorium S3 page " + i));
      server.put(DENIED, "incoming/page-" + i + ".png", TestPages.png("denied " + i));
    }
    TinyBundleFiles.read().forEach((name, bytes) -> server.put(MODELS, "tiny/" + name, bytes));
  }

  @AfterAll
  static void stopServer() throws Exception {
    S3TestServer.unset(SparkTestSession.get().sparkContext().hadoopConfiguration(), SETTINGS);
    if (server != null) {
      server.close();
    }
  }

  @Test
  void digitizeReadsPagesAndTheModelFromS3aAndWritesTheWarehouseThereWithoutLeakingTheSecret() throws Exception {
    SparkSession spark = SparkTestSession.get();
    String warehouse = "s3a://" + WAREHOUSE + "/warehouse";
    String model = "s3a://" + MODELS + "/tiny/";
    Path cache = scratch.resolve("bundle-cache");
    spark.conf().set(ScriptoriumConf.MODEL_CACHE_DIR, cache.toString());
    RunSummary run;
    String logs;
    try (LogCapture capture = LogCapture.start(Map.of("", Level.INFO, "org.apache.hadoop.fs.s3a", Level.DEBUG,
        "io.scriptorium", Level.DEBUG))) {
      run = Scriptorium.get(spark).digitize(new DigitizeOptions(List.of("s3a://" + PAGES + "/incoming/"), "*.png",
          null, warehouse, "s3", LocalDate.of(2026, 11, 25), SPOTTING, model));
      logs = capture.text();
      assertThat(capture.events()).isGreaterThan(50); // the capture saw the run, S3A's debug lines included
    } finally {
      spark.conf().unset(ScriptoriumConf.MODEL_CACHE_DIR);
    }

    assertThat(run.pagesTotal()).isEqualTo(PAGE_COUNT);
    assertThat(run.pagesOk()).isEqualTo(PAGE_COUNT);
    Map<String, List<String>> tables = warehouseRows(spark, warehouse);
    assertThat(tables).containsKeys("pages", "raw_outputs", "runs");
    assertThat(tables.get("pages")).hasSize(PAGE_COUNT)
        .allSatisfy(row -> assertThat(row).contains("s3a://" + PAGES + "/incoming/page-").contains("\"status\":\"ok\""));
    assertThat(tables.get("raw_outputs")).hasSize(PAGE_COUNT);
    assertThat(tables.get("runs")).anySatisfy(row -> assertThat(row).contains(run.runId()).contains(model));
    // the bundle was fetched into the cache once, named by its manifest's sha256
    String sha = BundleCacheTest.sha256(TinyBundleFiles.read().get("manifest.json"));
    try (Stream<Path> cached = Files.list(cache)) {
      assertThat(cached.map(p -> p.getFileName().toString())).containsExactly(sha);
    }
    assertThat(logs).contains("Fetched model bundle " + model);

    // the secret is nowhere: not in any log line or stack trace, not in any row of any table
    assertThat(logs).doesNotContain(SECRET_KEY);
    tables.forEach((table, rows) -> assertThat(String.join("\n", rows)).as(table).doesNotContain(SECRET_KEY));
    // and the Spark UI's environment page (Spark and Hadoop properties) redacts the S3A keys
    assertRedacted(spark.sparkContext().getConf(), Map.of(
        "spark.hadoop.fs.s3a.secret.key", SECRET_KEY,
        "spark.hadoop.fs.s3a.access.key", ACCESS_KEY,
        "fs.s3a.bucket." + PAGES + ".secret.key", SECRET_KEY,
        "fs.s3a.bucket." + PAGES + ".access.key", ACCESS_KEY,
        "spark.hadoop.fs.s3a.session.token", SECRET_KEY));
  }

  @Test
  void credentialsFromAHadoopCredentialFileReachS3a() throws Exception {
    Path store = scratch.resolve("s3-credentials.jceks");
    String provider = "jceks://file" + store.toAbsolutePath();
    Configuration conf = new Configuration(false);
    conf.set(CredentialProviderFactory.CREDENTIAL_PROVIDER_PATH, provider);
    CredentialProvider credentials = CredentialProviderFactory.getProviders(conf).get(0);
    credentials.createCredentialEntry("fs.s3a.access.key", ACCESS_KEY.toCharArray());
    credentials.createCredentialEntry("fs.s3a.secret.key", SECRET_KEY.toCharArray());
    credentials.flush();
    assertThat(Files.readString(store, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain(SECRET_KEY);
    server.put(CREDFILE, "incoming/page-1.png", TestPages.png("credential file"));
    TinyBundleFiles.read().forEach((name, bytes) -> server.put(CREDFILE, "tiny/" + name, bytes));

    // no key in the configuration: only the credential file, scoped to the bucket
    Configuration hadoop = new Configuration(SparkTestSession.get().sparkContext().hadoopConfiguration());
    hadoop.set("fs.s3a.bucket." + CREDFILE + ".security.credential.provider.path", provider);
    hadoop.set("fs.s3a.bucket." + CREDFILE + ".impl.disable.cache", "true");
    assertThat(hadoop.get("fs.s3a.bucket." + CREDFILE + ".secret.key")).isNull();

    List<io.scriptorium.pipeline.pages.SourceFile> listed =
        io.scriptorium.pipeline.pages.PageSources.list(List.of("s3a://" + CREDFILE + "/incoming/"), null, hadoop);
    assertThat(listed).extracting(io.scriptorium.pipeline.pages.SourceFile::uri)
        .containsExactly("s3a://" + CREDFILE + "/incoming/page-1.png");
    String local = BundleCache.localize("s3a://" + CREDFILE + "/tiny", hadoop, scratch.resolve("cache-jceks").toString());
    assertThat(Path.of(local, "model.pt")).exists();
  }

  @Test
  void aMissingBucketFailsTheRunAtOnceNamingTheUri() throws Exception {
    String input = "s3a://" + MISSING + "/incoming/";
    assertThatThrownBy(() -> digitizeInto(localWarehouse("missing-"), input))
        .hasMessageContaining("s3a://" + MISSING);
    // no retry storm: a 404 is final (S3A's policy), so the store saw a handful of requests, not dozens
    assertThat(server.calls(MISSING)).isBetween(1, 6);
    assertFailsWithoutRetries(input);
  }

  @Test
  void deniedAccessFailsTheRunAtOnceWithoutShowingTheSecret() throws Exception {
    String input = "s3a://" + DENIED + "/incoming/";
    String warehouse = localWarehouse("denied-");
    Throwable failure = org.assertj.core.api.Assertions.catchThrowable(() -> digitizeInto(warehouse, input));
    assertThat(failure).hasMessageContaining("s3a://" + DENIED);
    StringBuilder chain = new StringBuilder();
    for (Throwable t = failure; t != null; t = t.getCause()) {
      chain.append(t).append('\n');
    }
    assertThat(chain.toString()).contains("AccessDenied").doesNotContain(SECRET_KEY);
    List<String> runs = warehouseRows(SparkTestSession.get(), warehouse).get("runs");
    assertThat(runs).singleElement().satisfies(row -> assertThat(row)
        .contains("\"status\":\"failed\"").contains("s3a://" + DENIED).doesNotContain(SECRET_KEY));
    // a 403 is final too: the call fails at once instead of after S3A's 7 growing retries (about 14 s)
    assertFailsWithoutRetries(input);
  }

  /** The storage call a run starts with, alone: S3A counts each retry it makes, however busy the machine. */
  private static void assertFailsWithoutRetries(String uri) throws IOException {
    org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(uri);
    org.apache.hadoop.fs.FileSystem fs = path.getFileSystem(SparkTestSession.get().sparkContext().hadoopConfiguration());
    long before = s3aRetries(fs);
    assertThatThrownBy(() -> fs.getFileStatus(path))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(uri.substring(0, uri.length() - 1));
    assertThat(s3aRetries(fs) - before).as("S3A retries of the call for " + uri).isZero();
  }

  private static long s3aRetries(org.apache.hadoop.fs.FileSystem fs) {
    return org.apache.hadoop.fs.statistics.IOStatisticsSupport.retrieveIOStatistics(fs).counters()
        .getOrDefault(org.apache.hadoop.fs.statistics.StoreStatisticNames.STORE_IO_RETRY, 0L);
  }

  /** The server is down when the run starts and comes back 4 s after S3A's first retry: the retries carry the run. */
  @Test
  void aServerOutageOfAFewSecondsIsRetriedAndTheRunCompletes() throws Exception {
    String warehouse = localWarehouse("outage-");
    org.apache.hadoop.fs.FileSystem fs = new org.apache.hadoop.fs.Path("s3a://" + PAGES + "/")
        .getFileSystem(SparkTestSession.get().sparkContext().hadoopConfiguration());
    long retriesBefore = s3aRetries(fs);
    server.stop();
    CompletableFuture<Void> restart = CompletableFuture.runAsync(() -> {
      try {
        for (long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
            s3aRetries(fs) == retriesBefore && System.nanoTime() < end; ) {
          Thread.sleep(20);
        }
        Thread.sleep(4_000);
        server.start();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    RunSummary run;
    try {
      run = digitizeInto(warehouse, "s3a://" + PAGES + "/incoming/");
    } finally {
      restart.get(2, TimeUnit.MINUTES);
    }
    assertThat(s3aRetries(fs) - retriesBefore).as("S3A retries while the server was down").isPositive();
    assertThat(run.pagesOk()).isEqualTo(PAGE_COUNT);
  }

  private static RunSummary digitizeInto(String warehouse, String input) {
    return Scriptorium.get(SparkTestSession.get()).digitize(new DigitizeOptions(List.of(input), null, null, warehouse,
        "s3", LocalDate.of(2026, 11, 25), SPOTTING, null));
  }

  private static String localWarehouse(String prefix) {
    return SparkTestSession.newDirectory("warehouse-" + prefix).toUri().toString();
  }

  /** Every row of every Delta table under the warehouse root, as JSON, by table directory name. */
  private static Map<String, List<String>> warehouseRows(SparkSession spark, String warehouse) throws IOException {
    org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(warehouse);
    FileSystem fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
    Map<String, List<String>> tables = new LinkedHashMap<>();
    for (FileStatus child : fs.listStatus(root)) {
      if (child.isDirectory() && fs.exists(new org.apache.hadoop.fs.Path(child.getPath(), "_delta_log"))) {
        List<String> rows = new ArrayList<>(
            spark.read().format("delta").load(child.getPath().toString()).toJSON().collectAsList());
        tables.put(child.getPath().getName(), rows);
      }
    }
    return tables;
  }

  private static void assertRedacted(SparkConf conf, Map<String, String> properties) {
    List<Tuple2<String, String>> pairs = new ArrayList<>();
    properties.forEach((k, v) -> pairs.add(new Tuple2<>(k, v)));
    for (Tuple2<String, String> shown : CollectionConverters.asJava(Utils.redact(conf, CollectionConverters.asScala(pairs).toSeq()))) {
      assertThat(shown._2()).as(shown._1()).isNotEqualTo(properties.get(shown._1())).doesNotContain(SECRET_KEY);
    }
  }
}
