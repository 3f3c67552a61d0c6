package io.scriptorium.pipeline.plan;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.when;

import io.scriptorium.model.Prompt;
import io.scriptorium.model.Sha256;
import io.scriptorium.pipeline.DigitizeOptions;
import io.scriptorium.pipeline.ScriptoriumConf;
import io.scriptorium.pipeline.UserPredicate;
import io.scriptorium.pipeline.infer.BoundedCalls;
import io.scriptorium.pipeline.infer.PageErrors;
import io.scriptorium.pipeline.pages.DecodedPage;
import io.scriptorium.pipeline.pages.PageFailure;
import io.scriptorium.pipeline.pages.PageOptions;
import io.scriptorium.pipeline.pages.PageReader;
import io.scriptorium.pipeline.pages.PageRef;
import io.scriptorium.pipeline.pages.PageSources;
import io.scriptorium.pipeline.pages.SourceFile;
import io.scriptorium.pipeline.vocab.ErrorClass;
import io.scriptorium.pipeline.vocab.PageStatus;
import io.scriptorium.pipeline.warehouse.Tables;
import io.scriptorium.pipeline.warehouse.Warehouse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.sql.Date;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
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
 *
 * <p>At archive scale the cost follows what changed: listing is shared out among executors, the listed files meet
 * their {@code pages} rows in one distributed join (each file's rows are decided together, in one pass), the
 * outputs already made are one aggregate per content, and the pages of unchanged files with nothing to do are only
 * counted, never staged. Nothing per file is collected on the driver.
 */
public final class PagePlanner {
  /** What to do with a planned page. */
  public static final String INFER = "infer";
  public static final String DEDUPLICATED = "deduplicated";
  /** A page whose outputs an interrupted run committed before its {@code pages} row: recorded ok, not inferred again. */
  public static final String RECOVERED = "recovered";
  public static final String SKIP = "skip";
  public static final String FAIL = "fail";

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
  public static final StructType PLAN_SCHEMA =
      FOUND_SCHEMA
          .add("batch_date", DataTypes.DateType)
          .add("attempts", DataTypes.IntegerType)
          .add("tasks", DataTypes.createArrayType(DataTypes.StringType, false))
          .add("action", DataTypes.StringType);

  /**
   * Beside the plan's columns, for {@link StagedPlan}: whether the page's file was opened by this run (its pages were
   * found by reading it, so the end-of-run check looks at it), and whether the row is its file's first (files are
   * counted by it).
   */
  static final String OPENED = "opened";
  static final String FIRST_OF_FILE = "first_of_file";

  /** A page with what {@code pages} knew of it, before its action is decided. */
  static final StructType PAGE_SCHEMA =
      FOUND_SCHEMA
          .add("known_status", DataTypes.StringType)
          .add("known_attempts", DataTypes.IntegerType)
          .add(OPENED, DataTypes.BooleanType, false)
          .add(FIRST_OF_FILE, DataTypes.BooleanType, false);

  private static final scala.collection.Map<String, String> NO_METADATA =
      scala.jdk.javaapi.CollectionConverters.asScala(java.util.Map.<String, String>of());

  private static final List<String> URI_COLUMNS = List.of("source_uri", "uri", "path");

  private final SparkSession spark;
  private final Warehouse warehouse;
  private final PageOptions pageOptions;
  private final int maxAttempts;
  private final boolean verifyContent;

  public PagePlanner(SparkSession spark, Warehouse warehouse, PageOptions pageOptions, int maxAttempts,
      boolean verifyContent) {
    this.spark = spark;
    this.warehouse = warehouse;
    this.pageOptions = pageOptions;
    this.maxAttempts = maxAttempts;
    this.verifyContent = verifyContent;
  }

  /** One row per input file with its size, modification time, collection and manifest metadata. */
  public Dataset<Row> files(DigitizeOptions options) {
    if (options.manifest() != null) {
      return manifestFiles(options);
    }
    // The inputs' upper levels are listed here until there are directories enough to share out; executors walk
    // those. (Spark's binaryFile scan would drop zero-byte files, which must be recorded as failed pages.)
    int slices = spark.sparkContext().defaultParallelism() * 4;
    PageSources.Listing listing;
    try {
      listing = PageSources.start(options.inputs(), options.glob(), spark.sparkContext().hadoopConfiguration(), slices);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list the input: " + e.getMessage(), e);
    }
    JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
    List<Row> found = listing.files().stream()
        .map(f -> RowFactory.create(f.uri(), f.length(), f.modificationTime(), options.collection(), NO_METADATA))
        .toList();
    Dataset<Row> files = spark.createDataFrame(
        context.parallelize(found, Math.max(1, Math.min(found.size(), slices))), FILE_SCHEMA);
    if (listing.directories().isEmpty()) {
      return files;
    }
    Dataset<String> directories = spark.createDataset(
        context.parallelize(listing.directories(), Math.min(listing.directories().size(), slices)).rdd(),
        Encoders.STRING());
    return files.union(directories.mapPartitions(
        new Walk(hadoopConf(), options.glob(), listing.named(), options.collection()), Encoders.row(FILE_SCHEMA)));
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
   * The plan for {@code files} and the given prompts under one model revision (incremental), with the columns of
   * {@link #PLAN_SCHEMA}, {@link #OPENED} and {@link #FIRST_OF_FILE}; {@link StagedPlan} stages it.
   */
  public Dataset<Row> plan(Dataset<Row> files, List<Prompt> prompts, String modelRevision, Date batchDate) {
    // Every pages row of a listed URI meets its file in one join; each file's rows are then decided together.
    Dataset<Row> recorded = spark.read().format("delta").load(warehouse.location(Tables.PAGES)).select(
        col("source_uri").as("k_uri"), col("page_no").as("k_page"), col("file_length").as("k_length"),
        col("file_modified").as("k_modified"), col("format").as("k_format"), col("content_sha256").as("k_sha"),
        col("error_class").as("k_error_class"), col("error_message").as("k_error_message"),
        col("file_pages").as("k_file_pages"), col("status").as("k_status"), col("attempts").as("k_attempts"),
        col("processed_at").as("k_processed_at"));
    Duration readTimeout = new ScriptoriumConf(spark.conf()).pageReadTimeout();
    Dataset<Row> pages = files.join(recorded, col("source_uri").equalTo(col("k_uri")), "left")
        .sortWithinPartitions("source_uri") // free after the join's sort; what the pass below relies on
        .mapPartitions(new PlanFiles(hadoopConf(), pageOptions, readTimeout, verifyContent), Encoders.row(PAGE_SCHEMA));

    // What each content already has under this model revision, per wanted (task, prompt): the page its output was
    // inferred at (a 64-bit hash of its page_id; outputs are keyed by content, task, revision and prompt, so there is
    // one at most), null when there is none. One aggregate of fixed-width values, no per-content collections.
    Column pageId = functions.substring(functions.sha2(
        functions.concat(col("source_uri"), lit("#"), col("page_no").cast(DataTypes.StringType)), 256), 1, 32);
    List<Column> inferredAt = new ArrayList<>();
    for (int i = 0; i < prompts.size(); i++) {
      Prompt p = prompts.get(i);
      Column wanted = col("task").equalTo(taskKey(p)).and(col("prompt_sha256").equalTo(p.sha256()));
      inferredAt.add(functions.max(when(wanted, functions.xxhash64(col("page_id")))).as("o_" + i));
    }
    Dataset<Row> outputs = spark.read().format("delta").load(warehouse.location(Tables.RAW_OUTPUTS))
        .where(col("model_revision").equalTo(modelRevision))
        .groupBy(col("content_sha256").as("o_sha"))
        .agg(functions.count(lit(1)).as("o_outputs"), inferredAt.toArray(Column[]::new));
    Column[] undone = new Column[prompts.size()];
    Column ownOutputs = lit(false);
    for (int i = 0; i < prompts.size(); i++) {
      undone[i] = when(col("o_" + i).isNull(), lit(taskKey(prompts.get(i))));
      ownOutputs = ownOutputs.or(coalesce(col("o_" + i).equalTo(functions.xxhash64(pageId)), lit(false)));
    }
    Column allTasks = array(prompts.stream().map(p -> lit(taskKey(p))).toArray(Column[]::new));
    Column tasks = when(col("content_sha256").isNull(), allTasks)
        .otherwise(functions.array_compact(array(undone)));

    Column transientError = col("error_class").isin(ErrorClass.transientWireNames().toArray());
    Column knownPage = col("known_status").isNotNull();
    Column hasWork = size(col("tasks")).gt(0);
    Column action =
        when(col("known_status").equalTo(PageStatus.QUARANTINED.wireName()), lit(SKIP))
            .when(col("error_class").isNotNull().and(knownPage).and(transientError.and(col("known_attempts").lt(maxAttempts))), lit(INFER))
            .when(col("error_class").isNotNull().and(knownPage), lit(SKIP))
            .when(col("error_class").isNotNull(), lit(FAIL))
            .when(hasWork, lit(INFER))
            .when(col("known_status").equalTo(PageStatus.OK.wireName()), lit(SKIP))
            .when(ownOutputs, lit(RECOVERED))
            .otherwise(lit(DEDUPLICATED));
    return finish(pages.join(outputs, col("content_sha256").equalTo(col("o_sha")), "left")
        .withColumn("tasks", tasks)
        .withColumn("action", action), batchDate);
  }

  /**
   * The plan of a rerun: every page location that {@code where} selects in {@code scriptorium.current_outputs},
   * with all the given tasks, whatever exists already.
   */
  public Dataset<Row> selected(String where, List<String> taskKeys) {
    Dataset<Row> chosen = UserPredicate.select(spark.table("scriptorium.current_outputs"), "current_outputs", where)
        .select("source_uri", "page_no").distinct();
    Column tasks = array(taskKeys.stream().map(functions::lit).toArray(Column[]::new));
    Dataset<Row> pages = latestPages().join(chosen, asList("source_uri", "page_no"), "left_semi")
        .withColumn("tasks", tasks)
        .withColumn("known_attempts", lit(0))
        .withColumn("action", lit(INFER))
        .withColumn(OPENED, lit(true))
        .withColumn(FIRST_OF_FILE,
            col("page_no").equalTo(functions.min("page_no").over(Window.partitionBy("source_uri"))));
    return finish(pages, null);
  }

  /**
   * Identical content needing work is inferred once, at its first location (by URI and page); the other locations
   * share its results. The location inferred is one planned for inference, never a skipped (quarantined, failed) one,
   * so the content really is inferred this run.
   */
  private static Dataset<Row> finish(Dataset<Row> pages, Date batchDate) {
    Column infer = col("action").equalTo(INFER);
    Column location = functions.struct(col("source_uri"), col("page_no"));
    // no ordering within the window: the rows of a content are together after the join on it, and min needs no sort
    Column first = functions.min(when(infer, location)).over(Window.partitionBy("content_sha256"));
    Column duplicate = infer.and(col("content_sha256").isNotNull()).and(location.notEqual(first));
    return pages
        .withColumn("action", when(duplicate, lit(DEDUPLICATED)).otherwise(col("action")))
        .select(
            col("source_uri"), col("file_length"), col("file_modified"), col("collection"), col("metadata"),
            col("page_no"), col("format"), col("content_sha256"),
            when(infer, lit(null)).otherwise(col("error_class")).cast(DataTypes.StringType).as("error_class"),
            when(infer, lit(null)).otherwise(col("error_message")).cast(DataTypes.StringType).as("error_message"),
            col("file_pages"),
            (batchDate == null ? col("batch_date") : lit(batchDate)).as("batch_date"),
            coalesce(col("known_attempts"), lit(0)).as("attempts"),
            col("tasks"),
            col("action"),
            col(OPENED),
            col(FIRST_OF_FILE));
  }

  /**
   * Among the locations of a content inferred this run, the one inferred is the one in the earliest {@code chunk}
   * (chunks commit in ascending order), so every duplicate's chunk commits with or after its content's output.
   */
  public static Dataset<Row> inferInEarliestChunk(Dataset<Row> todo) {
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

  /** {@code partitions} ranges of pages, consecutive pages of one file together. */
  public static Dataset<Row> partitionByPages(Dataset<Row> pages, int partitions) {
    return pages.repartitionByRange(partitions, col("source_uri"), col("page_no"));
  }

  public static String taskKey(Prompt prompt) {
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

  /** Executor side: the files under some of the listing's directories (see {@link PageSources#walk}). */
  private static final class Walk implements MapPartitionsFunction<String, Row> {
    private final SerializableConfiguration conf;
    private final String glob;
    private final Set<String> named;
    private final String collection;

    Walk(SerializableConfiguration conf, String glob, Set<String> named, String collection) {
      this.conf = conf;
      this.glob = glob;
      this.named = named;
      this.collection = collection;
    }

    @Override
    public Iterator<Row> call(Iterator<String> directories) throws IOException {
      List<Row> files = new ArrayList<>();
      while (directories.hasNext()) {
        PageSources.walk(directories.next(), glob, named, conf.value(), f -> files.add(
            RowFactory.create(f.uri(), f.length(), f.modificationTime(), collection, NO_METADATA)));
      }
      return files.iterator();
    }
  }

  /**
   * Executor side: each listed file with its {@code pages} rows (all of them, rows of one URI together) becomes its
   * pages. A file whose size and time match its newest rows is planned from them, unread; one listed again (its
   * listing failed transiently, it has fewer rows than pages found, or {@code verifyContent}) is expanded and hashed
   * and keeps each page's state while its content is what the state was about; a new or changed file is expanded and
   * hashed. Single images are hashed from their bytes without decoding; PDF and multi-page TIFF pages need their
   * raster.
   */
  private static final class PlanFiles implements MapPartitionsFunction<Row, Row> {
    private final SerializableConfiguration conf;
    private final PageOptions options;
    private final Duration readTimeout;
    private final boolean verifyContent;

    PlanFiles(SerializableConfiguration conf, PageOptions options, Duration readTimeout, boolean verifyContent) {
      this.conf = conf;
      this.options = options;
      this.readTimeout = readTimeout;
      this.verifyContent = verifyContent;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      Hashing hashing = new Hashing(conf, options, readTimeout);
      TaskContext task = TaskContext.get();
      if (task != null) {
        task.addTaskCompletionListener((org.apache.spark.util.TaskCompletionListener) context -> hashing.close());
      }
      return new Iterator<>() {
        private Row next = rows.hasNext() ? rows.next() : null;
        private Iterator<Row> pages = java.util.Collections.emptyIterator();

        @Override
        public boolean hasNext() {
          while (!pages.hasNext() && next != null) {
            List<Row> file = new ArrayList<>();
            String uri = next.getString(0);
            do {
              file.add(next);
              next = rows.hasNext() ? rows.next() : null;
            } while (next != null && uri.equals(next.getString(0)));
            pages = planFile(file, hashing).iterator();
          }
          if (!pages.hasNext()) {
            hashing.close();
          }
          return pages.hasNext();
        }

        @Override
        public Row next() {
          if (!hasNext()) {
            throw new java.util.NoSuchElementException();
          }
          return pages.next();
        }
      };
    }

    /** The pages of one file, from its listing row joined with each of its {@code pages} rows (or with none). */
    private List<Row> planFile(List<Row> joined, Hashing hashing) {
      Row file = joined.get(0);
      int page = file.fieldIndex("k_page");
      int processed = file.fieldIndex("k_processed_at");
      Map<Integer, Row> latest = new HashMap<>();
      for (Row row : joined) {
        if (!row.isNullAt(page)) {
          latest.merge(row.getInt(page), row, (a, b) -> newer(b, a, processed) ? b : a);
        }
      }
      Long length = (Long) file.get(1);
      Long modified = (Long) file.get(2);
      int kLength = file.fieldIndex("k_length");
      int kModified = file.fieldIndex("k_modified");
      List<Row> matched = latest.values().stream()
          .filter(k -> Objects.equals(k.get(kLength), length) && Objects.equals(k.get(kModified), modified))
          .sorted(java.util.Comparator.comparingInt(k -> k.getInt(page)))
          .toList();
      List<Row> out = new ArrayList<>();
      if (!matched.isEmpty() && !relist(matched)) {
        for (Row k : matched) {
          out.add(page(file, k.getInt(page), k.getAs("k_format"), k.getAs("k_sha"), k.getAs("k_error_class"),
              k.getAs("k_error_message"), k.getAs("k_file_pages"), k.getAs("k_status"), k.getAs("k_attempts"), false,
              out.isEmpty()));
        }
        return out;
      }
      boolean relisted = !matched.isEmpty();
      for (Row found : hashing.pages(file)) {
        String status = null;
        Integer attempts = 0;
        Row k = relisted ? latest.get(found.getInt(5)) : null;
        // a relisted page keeps its state while its content is what the state was about (or was never known)
        if (k != null && (k.isNullAt(k.fieldIndex("k_sha")) || k.getAs("k_sha").equals(found.get(7)))) {
          status = k.getAs("k_status");
          attempts = k.isNullAt(k.fieldIndex("k_attempts")) ? 0 : k.<Integer>getAs("k_attempts");
        }
        out.add(page(file, found.getInt(5), found.getString(6), found.getString(7), found.getString(8),
            found.getString(9), (Integer) found.get(10), status, attempts, true, out.isEmpty()));
      }
      return out;
    }

    /**
     * Whether a file planned from its rows must be listed again: its listing failed transiently last time (its page
     * count is unknown), it has fewer rows than the pages found in it, or every file is re-read.
     */
    private boolean relist(List<Row> matched) {
      if (verifyContent) {
        return true;
      }
      int maxPages = 0;
      for (Row k : matched) {
        String errorClass = k.getAs("k_error_class");
        String status = k.getAs("k_status");
        Integer filePages = k.getAs("k_file_pages");
        if (filePages == null && errorClass != null && ErrorClass.transientWireNames().contains(errorClass)
            && status != null && !status.equals(PageStatus.QUARANTINED.wireName())) {
          return true;
        }
        maxPages = filePages == null ? maxPages : Math.max(maxPages, filePages);
      }
      return matched.size() < maxPages;
    }

    private static boolean newer(Row candidate, Row than, int processed) {
      if (candidate.isNullAt(processed)) {
        return false;
      }
      return than.isNullAt(processed) || candidate.getTimestamp(processed).after(than.getTimestamp(processed));
    }

    private static Row page(Row file, int pageNo, String format, String sha, String errorClass, String errorMessage,
        Integer filePages, String knownStatus, Integer knownAttempts, boolean opened, boolean first) {
      return RowFactory.create(file.get(0), file.get(1), file.get(2), file.get(3), file.get(4), pageNo, format, sha,
          errorClass, errorMessage, filePages, knownStatus, knownAttempts, opened, first);
    }
  }

  /**
   * Executor side: a new or changed file's pages, each with its content hash or its failure, as rows of
   * {@link #FOUND_SCHEMA}. Reads are bounded: a file or page whose read hangs is recorded as a timeout and the task
   * goes on. Made when first needed: most partitions of a nightly plan open nothing.
   */
  private static final class Hashing implements AutoCloseable {
    private final SerializableConfiguration conf;
    private final PageOptions options;
    private final Duration readTimeout;
    private BoundedCalls reading;
    private PageReader reader;

    Hashing(SerializableConfiguration conf, PageOptions options, Duration readTimeout) {
      this.conf = conf;
      this.options = options;
      this.readTimeout = readTimeout;
    }

    List<Row> pages(Row file) {
      if (reading == null) {
        reading = new BoundedCalls("scriptorium-page-hash", readTimeout);
        reader = new PageReader(conf.value(), options);
      }
      String uri = file.getString(0);
      long length = file.isNullAt(1) ? -1 : file.getLong(1);
      long modified = file.isNullAt(2) ? -1 : file.getLong(2);
      List<PageRef> refs;
      try {
        refs = reading.call(() -> PageSources.expand(new SourceFile(uri, length, modified), conf.value(), options));
      } catch (TimeoutException e) {
        refs = List.of(new PageRef(uri, 1, "unknown", ErrorClass.TIMEOUT, timedOut("listing the pages of " + uri)));
      }
      // a file that could not be opened has no page count: its one failed row stands for the whole file
      Integer filePages = refs.size() == 1 && refs.get(0).failed() ? null : refs.size();
      List<Row> pages = new ArrayList<>();
      for (PageRef ref : refs) {
        String sha = null;
        String errorClass = ref.failed() ? ref.errorClass().wireName() : null;
        String message = ref.errorMessage();
        if (!ref.failed()) {
          boolean hashBytes = refs.size() == 1 && !"pdf".equals(ref.format());
          PageReader current = reader;
          try {
            sha = reading.call(() -> hashBytes ? fileSha256(uri) : readSha256(current, ref));
          } catch (PageFailure failure) {
            errorClass = failure.errorClass().wireName();
            message = failure.getMessage();
          } catch (TimeoutException e) {
            errorClass = ErrorClass.TIMEOUT.wireName();
            message = timedOut("reading " + PageErrors.page(uri, ref.pageNo()));
            reader = new PageReader(conf.value(), options); // the abandoned read keeps the old one
          }
        }
        pages.add(RowFactory.create(uri, file.get(1), file.get(2), file.get(3), file.get(4),
            ref.pageNo(), ref.format(), sha, errorClass, message, filePages));
      }
      return pages;
    }

    @Override
    public void close() {
      if (reader != null) {
        reader.close();
        reading.close();
        reader = null;
        reading = null;
      }
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
        return Sha256.hex(in);
      } catch (IOException e) {
        throw PageFailure.ofFile(ErrorClass.IO_ERROR, uri, "cannot read: " + e.getMessage(), e);
      }
    }
  }
}
