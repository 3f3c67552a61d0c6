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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
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
  static final String SKIP = "skip";
  static final String FAIL = "fail";

  /** Failures that may pass on their own; everything else repeats until the file changes. */
  static final Set<String> TRANSIENT_ERRORS = Set.of(PageFailure.IO_ERROR, "inference_error");

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
          .add("error_message", DataTypes.StringType);

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

  PagePlanner(SparkSession spark, Warehouse warehouse, PageOptions pageOptions, int maxAttempts) {
    this.spark = spark;
    this.warehouse = warehouse;
    this.pageOptions = pageOptions;
    this.maxAttempts = maxAttempts;
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
    Dataset<Row> knownFiles = known.select("source_uri", "file_length", "file_modified").distinct();
    Dataset<Row> unchanged = files.join(knownFiles, asList("source_uri", "file_length", "file_modified"), "left_semi");
    Dataset<Row> changed = files.join(knownFiles, asList("source_uri", "file_length", "file_modified"), "left_anti");

    // Unchanged files: their pages, content hashes and states come from the table, bytes unread.
    Dataset<Row> knownPages = unchanged
        .join(known.select(
                col("source_uri"), col("file_length"), col("file_modified"), col("page_no"), col("format"),
                col("content_sha256"), col("error_class"), col("error_message"), col("status").as("known_status"),
                col("attempts").as("known_attempts")),
            asList("source_uri", "file_length", "file_modified"));
    Dataset<Row> newPages = changed
        .mapPartitions(new ExpandAndHash(hadoopConf(), pageOptions), Encoders.row(FOUND_SCHEMA))
        .withColumn("known_status", lit(null).cast(DataTypes.StringType))
        .withColumn("known_attempts", lit(0));
    Dataset<Row> pages = knownPages.unionByName(newPages);

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

    Column transientError = col("error_class").isin(TRANSIENT_ERRORS.toArray());
    Column knownPage = col("known_status").isNotNull();
    Column hasWork = size(col("tasks")).gt(0);
    Column action =
        when(col("known_status").equalTo("quarantined"), lit(SKIP))
            .when(col("error_class").isNotNull().and(knownPage).and(transientError.and(col("known_attempts").lt(maxAttempts))), lit(INFER))
            .when(col("error_class").isNotNull().and(knownPage), lit(SKIP))
            .when(col("error_class").isNotNull(), lit(FAIL))
            .when(hasWork, lit(INFER))
            .when(knownPage, lit(SKIP))
            .otherwise(lit(DEDUPLICATED));
    return finish(withTasks.withColumn("action", action), batchDate);
  }

  /**
   * The plan of a rerun: every page location that {@code where} selects in {@code scriptorium.current_outputs},
   * with all the given tasks, whatever exists already.
   */
  Dataset<Row> selected(String where, List<String> taskKeys) {
    Dataset<Row> chosen = spark.sql("SELECT DISTINCT source_uri, page_no FROM scriptorium.current_outputs WHERE " + where);
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

    ExpandAndHash(SerializableConfiguration conf, PageOptions options) {
      this.conf = conf;
      this.options = options;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> files) {
      List<Row> pages = new ArrayList<>();
      try (PageReader reader = new PageReader(conf.value(), options)) {
        while (files.hasNext()) {
          Row file = files.next();
          String uri = file.getString(0);
          long length = file.isNullAt(1) ? -1 : file.getLong(1);
          long modified = file.isNullAt(2) ? -1 : file.getLong(2);
          List<PageRef> refs = PageSources.expand(new SourceFile(uri, length, modified), conf.value(), options);
          for (PageRef ref : refs) {
            String sha = null;
            String errorClass = ref.errorClass();
            String message = ref.errorMessage();
            if (!ref.failed()) {
              try {
                sha = refs.size() == 1 && !"pdf".equals(ref.format()) ? fileSha256(uri) : readSha256(reader, ref);
              } catch (PageFailure failure) {
                errorClass = failure.errorClass();
                message = failure.getMessage();
              }
            }
            pages.add(RowFactory.create(uri, file.get(1), file.get(2), file.get(3), file.get(4),
                ref.pageNo(), ref.format(), sha, errorClass, message));
          }
        }
      }
      return pages.iterator();
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
