package io.scriptorium.pipeline;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.when;

import io.scriptorium.model.Prompt;
import io.scriptorium.pipeline.pages.DecodedPage;
import io.scriptorium.pipeline.pages.PageFailure;
import io.scriptorium.pipeline.pages.PageOptions;
import io.scriptorium.pipeline.pages.PageReader;
import io.scriptorium.pipeline.pages.PageRef;
import io.scriptorium.pipeline.pages.PageSources;
import io.scriptorium.pipeline.pages.SourceFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Date;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.SerializableConfiguration;

/**
 * Plans a run: which pages exist, which are already done, which must be inferred.
 *
 * <p>Incremental by content: a (page, task) is inferred only if no result exists for the same content
 * sha256, task, model revision and prompt sha256. Files whose size and modification time match the
 * {@code pages} table are planned from metadata alone (their bytes are never read); new or changed files
 * are expanded into pages and hashed in executors. Identical content under several URIs is inferred once.
 * Nothing per file is collected on the driver.
 */
final class PagePlanner {
  /** What to do with a planned page. */
  static final String INFER = "infer";
  static final String DEDUPLICATED = "deduplicated";
  /** A page whose outputs an interrupted run committed before its {@code pages} row: recorded ok, not inferred again. */
  static final String RECOVERED = "recovered";
  static final String SKIP = "skip";
  static final String FAIL = "fail";

  /** Failures that may pass on their own; everything else repeats until the file changes. */
  static final Set<String> TRANSIENT_ERRORS = PageErrors.TRANSIENT;

  static final StructType FILE_SCHEMA =
      new StructType()
          .add("source_uri", DataTypes.StringType, false)
          .add("file_length", DataTypes.LongType)
          .add("file_modified", DataTypes.LongType)
          .add("collection", DataTypes.StringType)
          .add("metadata", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType));

  /** A page found in a new or changed file, hashed (or failed) in an executor. */
  static final StructType FOUND_SCHEMA =
      FILE_SCHEMA
          .add("page_no", DataTypes.IntegerType, false)
          .add("format", DataTypes.StringType)
          .add("content_sha256", DataTypes.StringType)
          .add("error_class", DataTypes.StringType)
          .add("error_message", DataTypes.StringType)
          .add("file_pages", DataTypes.IntegerType);

  /** The plan: one row per page with its action and the tasks to run. */
  static final StructType PLAN_SCHEMA =
      FOUND_SCHEMA
          .add("batch_date", DataTypes.DateType)
          .add("attempts", DataTypes.IntegerType)
          .add("tasks", DataTypes.createArrayType(DataTypes.StringType, false))
          .add("action", DataTypes.StringType);

  private static final scala.collection.Map<String, String> NO_METADATA =
      scala.jdk.javaapi.CollectionConverters.asScala(java.util.Map.<String, String>of());

  private static final List<String> URI_COLUMNS = List.of("source_uri", "uri", "path");

  private final SparkSession spark;
  private final Warehouse warehouse;
  private final PageOptions pageOptions;
  private final int maxAttempts;
  private final boolean verifyContent;

  PagePlanner(SparkSession spark, Warehouse warehouse, PageOptions pageOptions, int maxAttempts, boolean verifyContent) {
    this.spark = spark;
    this.warehouse = warehouse;
    this.pageOptions = pageOptions;
    this.maxAttempts = maxAttempts;
    this.verifyContent = verifyContent;
  }

  /** One row per input file with its size, modification time, collection and manifest metadata. */
  Dataset<Row> files(DigitizeOptions options) {
    if (options.manifest() != null) {
      return manifestFiles(options);
    }
    // Listing happens on the driver, as Spark's own file index does; everything after it is distributed.
    // (Spark's binaryFile scan would drop zero-byte files, which must be recorded as failed pages.)
    List<SourceFile> listed;
    try {
      listed = PageSources.list(options.inputs(), options.glob(), spark.sparkContext().hadoopConfiguration());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list the input: " + e.getMessage(), e);
    }
    List<Row> rows = listed.stream()
        .map(f -> RowFactory.create(f.uri(), f.length(), f.modificationTime(), options.collection(), NO_METADATA))
        .toList();
    int slices = Math.max(1, Math.min(rows.size(), spark.sparkContext().defaultParallelism() * 4));
    return spark.createDataFrame(
        org.apache.spark.api.java.JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(rows, slices), FILE_SCHEMA);
  }

  private Dataset<Row> manifestFiles(DigitizeOptions options) {
    String uri = options.manifest();
    Dataset<Row> manifest = spark.read().format(isDelta(uri) ? "delta" : "parquet").load(uri);
    List<String> columns = Arrays.asList(manifest.columns());
    String uriColumn = URI_COLUMNS.stream().filter(columns::contains).findFirst()
        .orElseThrow(() -> new IllegalArgumentException(
            "Manifest " + uri + " has no source URI column (one of " + URI_COLUMNS + "); its columns are " + columns));
    List<Column> metadata = new ArrayList<>();
    for (String column : columns) {
      if (!column.equals(uriColumn)) {
        metadata.add(lit(column));
        metadata.add(col("`" + column + "`").cast(DataTypes.StringType));
      }
    }
    Column collection = columns.contains("collection") ? col("collection").cast(DataTypes.StringType) : lit(null);
    Dataset<Row> files = manifest.select(
        col("`" + uriColumn + "`").cast(DataTypes.StringType).as("source_uri"),
        lit(null).cast(DataTypes.LongType).as("file_length"),
        lit(null).cast(DataTypes.LongType).as("file_modified"),
        coalesce(collection, lit(options.collection())).as("collection"),
        (metadata.isEmpty() ? functions.map() : functions.map(metadata.toArray(Column[]::new)))
            .cast(FILE_SCHEMA.apply("metadata").dataType()).as("metadata"));
    // Manifests rarely carry sizes and times; a metadata-only stat in executors supplies them.
    return files.mapPartitions(new Stat(hadoopConf()), Encoders.row(FILE_SCHEMA));
  }

  /**
   * The plan for {@code files} and the given prompts under one model revision (incremental).
   */
  Dataset<Row> plan(Dataset<Row> files, List<Prompt> prompts, String modelRevision, Date batchDate) {
    Dataset<Row> known = latestPages();
    // A file is planned from its pages rows when its size and time match them (null-safe: a manifest row that cannot be
    // stat'ed matches its own earlier failure, so its attempts grow). It is listed again when its listing failed
    // transiently last time (its page count is unknown), when it has fewer pages rows than the pages found in it,
    // or always under verifyContent.
    Column relist = verifyContent ? lit(true) : coalesce(col("file_pages").isNull()
        .and(col("error_class").isin(TRANSIENT_ERRORS.toArray())).and(col("status").notEqual("quarantined")), lit(false));
    Dataset<Row> knownFiles = known.groupBy(
            col("source_uri").as("k_uri"), col("file_length").as("k_length"), col("file_modified").as("k_modified"))
        .agg(functions.max(relist).or(coalesce(
            functions.countDistinct("page_no").lt(functions.max("file_pages")), lit(false))).as("relist"));
    Dataset<Row> matched = files.join(knownFiles, sameFile("k_"), "left");
    Column[] fileColumns = columnsOf(FILE_SCHEMA);
    Dataset<Row> unchanged = matched.where(col("k_uri").isNotNull().and(functions.not(col("relist")))).select(fileColumns);
    Dataset<Row> relisted = matched.where(col("k_uri").isNotNull().and(col("relist"))).select(fileColumns);
    Dataset<Row> changed = matched.where(col("k_uri").isNull()).select(fileColumns);

    // Unchanged files: their pages, content hashes and states come from the table, bytes unread.
    Dataset<Row> knownPages = unchanged
        .join(known.select(
                col("source_uri").as("k_uri"), col("file_length").as("k_length"), col("file_modified").as("k_modified"),
                col("page_no"), col("format"), col("content_sha256"), col("error_class"), col("error_message"),
                col("file_pages"), col("status").as("known_status"), col("attempts").as("known_attempts")),
            sameFile("k_"))
        .drop("k_uri", "k_length", "k_modified");
    Dataset<Row> newPages = expand(changed)
        .withColumn("known_status", lit(null).cast(DataTypes.StringType))
        .withColumn("known_attempts", lit(0));
    // Relisted files keep each page's state while its content is what the state was about (or was never known).
    Dataset<Row> relistedPages = expand(relisted)
        .join(known.select(col("source_uri").as("c_uri"), col("page_no").as("c_page"), col("content_sha256").as("c_sha"),
                col("status").as("known_status"), col("attempts").as("known_attempts")),
            col("source_uri").equalTo(col("c_uri")).and(col("page_no").equalTo(col("c_page")))
                .and(col("c_sha").isNull().or(col("c_sha").equalTo(col("content_sha256")))), "left")
        .withColumn("known_attempts", coalesce(col("known_attempts"), lit(0)))
        .drop("c_uri", "c_page", "c_sha");
    Dataset<Row> pages = knownPages.unionByName(newPages).unionByName(relistedPages)
        .withColumn("page_id", functions.substring(
            functions.sha2(functions.concat(col("source_uri"), lit("#"), col("page_no").cast(DataTypes.StringType)), 256), 1, 32));

    // Which (content, task, prompt) pairs already have a result under this model revision.
    Dataset<Row> wanted = spark.createDataFrame(
        prompts.stream().map(p -> RowFactory.create(taskKey(p), p.sha256())).toList(),
        new StructType().add("task", DataTypes.StringType).add("prompt_sha256", DataTypes.StringType));
    Dataset<Row> done = spark.read().format("delta").load(warehouse.location(Tables.RAW_OUTPUTS))
        .where(col("model_revision").equalTo(modelRevision))
        .select("content_sha256", "task", "prompt_sha256").distinct();
    Dataset<Row> needed = pages.where(col("content_sha256").isNotNull())
        .select("source_uri", "page_no", "content_sha256").crossJoin(wanted)
        .join(done, asList("content_sha256", "task", "prompt_sha256"), "left_anti")
        .groupBy("source_uri", "page_no").agg(collect_list("task").as("needed"));
    Column allTasks = array(prompts.stream().map(p -> lit(taskKey(p))).toArray(Column[]::new));

    Dataset<Row> withTasks = pages.join(needed, asList("source_uri", "page_no"), "left")
        .withColumn("tasks", when(col("content_sha256").isNull(), allTasks)
            .otherwise(coalesce(col("needed"), array().cast(DataTypes.createArrayType(DataTypes.StringType)))));

    // A page without work and without a pages row whose outputs were inferred at this very page was committed by an
    // interrupted run (outputs are committed before pages): recovered, not a duplicate.
    Dataset<Row> ownOutputs = spark.read().format("delta").load(warehouse.location(Tables.RAW_OUTPUTS))
        .where(col("model_revision").equalTo(modelRevision)).select(col("page_id")).distinct()
        .withColumn("has_own_outputs", lit(true));
    Column transientError = col("error_class").isin(TRANSIENT_ERRORS.toArray());
    Column knownPage = col("known_status").isNotNull();
    Column hasWork = size(col("tasks")).gt(0);
    Column action =
        when(col("known_status").equalTo("quarantined"), lit(SKIP))
            .when(col("error_class").isNotNull().and(knownPage).and(transientError.and(col("known_attempts").lt(maxAttempts))), lit(INFER))
            .when(col("error_class").isNotNull().and(knownPage), lit(SKIP))
            .when(col("error_class").isNotNull(), lit(FAIL))
            .when(hasWork, lit(INFER))
            .when(col("known_status").equalTo("ok"), lit(SKIP))
            .when(col("has_own_outputs"), lit(RECOVERED))
            .otherwise(lit(DEDUPLICATED));
    return finish(withTasks.join(ownOutputs, asList("page_id"), "left").withColumn("action", action), batchDate);
  }

  /**
   * The plan of a rerun: every page location that {@code where} selects in {@code scriptorium.current_outputs},
   * with all the given tasks, whatever exists already.
   */
  Dataset<Row> selected(String where, List<String> taskKeys) {
    Dataset<Row> chosen = UserPredicate.select(spark.table("scriptorium.current_outputs"), "current_outputs", where)
        .select("source_uri", "page_no").distinct();
    Column tasks = array(taskKeys.stream().map(functions::lit).toArray(Column[]::new));
    Dataset<Row> pages = latestPages().join(chosen, asList("source_uri", "page_no"), "left_semi")
        .withColumn("tasks", tasks)
        .withColumn("known_attempts", lit(0))
        .withColumn("action", lit(INFER));
    return finish(pages, null);
  }

  /**
   * Identical content needing work is inferred once; the other locations share its results. The location inferred is
   * one planned for inference, never a skipped (quarantined, failed) one, so the content really is inferred this run.
   */
  private static Dataset<Row> finish(Dataset<Row> pages, Date batchDate) {
    Column infer = col("action").equalTo(INFER);
    Column rank = row_number().over(Window.partitionBy("content_sha256")
        .orderBy(when(infer, lit(0)).otherwise(lit(1)), col("source_uri"), col("page_no")));
    return pages
        .withColumn("rank", when(col("content_sha256").isNull(), lit(1)).otherwise(rank))
        .withColumn("action", when(infer.and(col("rank").gt(1)), lit(DEDUPLICATED)).otherwise(col("action")))
        .select(
            col("source_uri"), col("file_length"), col("file_modified"), col("collection"), col("metadata"),
            col("page_no"), col("format"), col("content_sha256"),
            when(infer, lit(null)).otherwise(col("error_class")).cast(DataTypes.StringType).as("error_class"),
            when(infer, lit(null)).otherwise(col("error_message")).cast(DataTypes.StringType).as("error_message"),
            col("file_pages"),
            (batchDate == null ? col("batch_date") : lit(batchDate)).as("batch_date"),
            coalesce(col("known_attempts"), lit(0)).as("attempts"),
            col("tasks"),
            col("action"));
  }

  /**
   * Among the locations of a content inferred this run, the one inferred is the one in the earliest {@code chunk}
   * (chunks commit in ascending order), so every duplicate's chunk commits with or after its content's output.
   */
  static Dataset<Row> inferInEarliestChunk(Dataset<Row> todo) {
    Column sharing = col("action").isin(INFER, DEDUPLICATED).and(col("content_sha256").isNotNull());
    Column inferred = functions.max(when(col("action").equalTo(INFER), lit(1)).otherwise(lit(0)))
        .over(Window.partitionBy("content_sha256"));
    Column rank = row_number().over(Window.partitionBy(col("content_sha256"), sharing)
        .orderBy(col("chunk"), col("source_uri"), col("page_no")));
    return todo.withColumn("action", when(sharing.and(inferred.equalTo(1)),
            when(rank.equalTo(1), lit(INFER)).otherwise(lit(DEDUPLICATED)))
        .otherwise(col("action")));
  }

  /** The newest {@code pages} row of every page location, in any partition. */
  Dataset<Row> latestPages() {
    Dataset<Row> pages = spark.read().format("delta").load(warehouse.location(Tables.PAGES));
    return pages
        .withColumn("latest", row_number().over(Window.partitionBy("source_uri", "page_no").orderBy(col("processed_at").desc())))
        .where(col("latest").equalTo(1))
        .drop("latest");
  }

  /** Partitions of about {@code pagesPerPartition} pages, consecutive pages of one file together. */
  static Dataset<Row> partitionByPages(Dataset<Row> pages, long pageCount, int pagesPerPartition) {
    int partitions = (int) Math.max(1, (pageCount + pagesPerPartition - 1) / pagesPerPartition);
    return pages.repartitionByRange(partitions, col("source_uri"), col("page_no"));
  }

  static String taskKey(Prompt prompt) {
    return prompt.task().key();
  }

  private SerializableConfiguration hadoopConf() {
    return new SerializableConfiguration(spark.sparkContext().hadoopConfiguration());
  }

  private boolean isDelta(String uri) {
    try {
      Path log = new Path(uri, "_delta_log");
      return log.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(log);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read manifest " + uri + ": " + e.getMessage(), e);
    }
  }

  /** The file's pages, each hashed or failed, in executors. */
  private Dataset<Row> expand(Dataset<Row> files) {
    Duration readTimeout = new ScriptoriumConf(spark.conf()).pageReadTimeout();
    return files.mapPartitions(new ExpandAndHash(hadoopConf(), pageOptions, readTimeout), Encoders.row(FOUND_SCHEMA));
  }

  /** The same file version: the URI equal, size and time equal or both unknown; {@code prefix} names the other side. */
  private static Column sameFile(String prefix) {
    return col("source_uri").equalTo(col(prefix + "uri"))
        .and(col("file_length").eqNullSafe(col(prefix + "length")))
        .and(col("file_modified").eqNullSafe(col(prefix + "modified")));
  }

  private static Column[] columnsOf(StructType schema) {
    return Arrays.stream(schema.fieldNames()).map(functions::col).toArray(Column[]::new);
  }

  private static scala.collection.immutable.Seq<String> asList(String... columns) {
    return scala.jdk.javaapi.CollectionConverters.asScala(Arrays.asList(columns)).toList();
  }

  /** Executor side: file size and modification time for manifest rows, metadata only. */
  private static final class Stat implements MapPartitionsFunction<Row, Row> {
    private final SerializableConfiguration conf;

    Stat(SerializableConfiguration conf) {
      this.conf = conf;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> files) {
      List<Row> out = new ArrayList<>();
      while (files.hasNext()) {
        Row file = files.next();
        Long length = null;
        Long modified = null;
        try {
          Path path = new Path(file.getString(0));
          FileStatus status = path.getFileSystem(conf.value()).getFileStatus(path);
          length = status.getLen();
          modified = status.getModificationTime();
        } catch (IOException | RuntimeException e) {
          // left unknown: the page reader records the real reason when it tries the file
        }
        out.add(RowFactory.create(file.getString(0), length, modified, file.get(3), file.get(4)));
      }
      return out.iterator();
    }
  }

  /**
   * Executor side: a new or changed file's pages, each with its content hash or its failure. Single images
   * are hashed from their bytes without decoding; PDF and multi-page TIFF pages need their raster.
   */
  private static final class ExpandAndHash implements MapPartitionsFunction<Row, Row> {
    private final SerializableConfiguration conf;
    private final PageOptions options;
    private final Duration readTimeout;

    ExpandAndHash(SerializableConfiguration conf, PageOptions options, Duration readTimeout) {
      this.conf = conf;
      this.options = options;
      this.readTimeout = readTimeout;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> files) {
      List<Row> pages = new ArrayList<>();
      // Reads are bounded: a file or page whose read hangs is recorded as a timeout and the task goes on.
      BoundedCalls reading = new BoundedCalls("scriptorium-page-hash", readTimeout);
      PageReader reader = new PageReader(conf.value(), options);
      try {
        while (files.hasNext()) {
          Row file = files.next();
          String uri = file.getString(0);
          long length = file.isNullAt(1) ? -1 : file.getLong(1);
          long modified = file.isNullAt(2) ? -1 : file.getLong(2);
          List<PageRef> refs;
          try {
            refs = reading.call(() -> PageSources.expand(new SourceFile(uri, length, modified), conf.value(), options));
          } catch (TimeoutException e) {
            refs = List.of(new PageRef(uri, 1, "unknown", PageErrors.TIMEOUT, timedOut("listing the pages of " + uri)));
          }
          // a file that could not be opened has no page count: its one failed row stands for the whole file
          Integer filePages = refs.size() == 1 && refs.get(0).failed() ? null : refs.size();
          for (PageRef ref : refs) {
            String sha = null;
            String errorClass = ref.errorClass();
            String message = ref.errorMessage();
            if (!ref.failed()) {
              boolean hashBytes = refs.size() == 1 && !"pdf".equals(ref.format());
              PageReader current = reader;
              try {
                sha = reading.call(() -> hashBytes ? fileSha256(uri) : readSha256(current, ref));
              } catch (PageFailure failure) {
                errorClass = failure.errorClass();
                message = failure.getMessage();
              } catch (TimeoutException e) {
                errorClass = PageErrors.TIMEOUT;
                message = timedOut("reading " + PageErrors.page(uri, ref.pageNo()));
                reader = new PageReader(conf.value(), options); // the abandoned read keeps the old one
              }
            }
            pages.add(RowFactory.create(uri, file.get(1), file.get(2), file.get(3), file.get(4),
                ref.pageNo(), ref.format(), sha, errorClass, message, filePages));
          }
        }
      } finally {
        reader.close();
        reading.close();
      }
      return pages.iterator();
    }

    private String timedOut(String what) {
      return PageErrors.timeout(what, readTimeout, ScriptoriumConf.PAGE_READ_TIMEOUT_SECONDS);
    }

    private static String readSha256(PageReader reader, PageRef ref) throws PageFailure {
      DecodedPage page = reader.read(ref);
      return page.contentSha256();
    }

    private String fileSha256(String uri) throws PageFailure {
      Path path = new Path(uri);
      try (InputStream in = path.getFileSystem(conf.value()).open(path)) {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        byte[] buffer = new byte[1 << 16];
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
          digest.update(buffer, 0, n);
        }
        return HexFormat.of().formatHex(digest.digest());
      } catch (IOException e) {
        throw PageFailure.ofFile(PageFailure.IO_ERROR, uri, "cannot read: " + e.getMessage(), e);
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-256 is missing from this JVM", e);
      }
    }
  }
}
