package io.scriptorium.pipeline;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.scriptorium.pipeline.pages.PageOptions;
import io.scriptorium.pipeline.pages.PageRef;
import io.scriptorium.pipeline.pages.PageSources;
import io.scriptorium.pipeline.pages.SourceFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.SerializableConfiguration;

/**
 * Turns inputs (listed directories or a manifest table) into one row per page, in partitions sized by
 * pages. Page counting (opening PDFs and TIFFs) runs in executors, never on the driver.
 */
final class PagePlanner {
  static final StructType FILE_SCHEMA =
      new StructType()
          .add("source_uri", DataTypes.StringType, false)
          .add("length", DataTypes.LongType)
          .add("modification_time", DataTypes.LongType)
          .add("collection", DataTypes.StringType)
          .add("metadata", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType));

  static final StructType PAGE_SCHEMA =
      new StructType()
          .add("source_uri", DataTypes.StringType, false)
          .add("page_no", DataTypes.IntegerType, false)
          .add("format", DataTypes.StringType)
          .add("error_class", DataTypes.StringType)
          .add("error_message", DataTypes.StringType)
          .add("collection", DataTypes.StringType)
          .add("metadata", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType));

  /** Rows hold Scala collections; an empty one stands for "no manifest metadata". */
  private static final scala.collection.Map<String, String> NO_METADATA =
      scala.jdk.javaapi.CollectionConverters.asScala(Map.<String, String>of());

  private static final List<String> URI_COLUMNS = List.of("source_uri", "uri", "path");

  private PagePlanner() {}

  /** One row per input file, with the collection and manifest metadata it carries. */
  static Dataset<Row> files(SparkSession spark, DigitizeOptions options) {
    if (options.manifest() != null) {
      return manifestFiles(spark, options);
    }
    Configuration hadoopConf = spark.sparkContext().hadoopConfiguration();
    List<SourceFile> listed;
    try {
      listed = PageSources.list(options.inputs(), options.glob(), hadoopConf);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list the input: " + e.getMessage(), e);
    }
    List<Row> rows = new ArrayList<>(listed.size());
    for (SourceFile file : listed) {
      rows.add(RowFactory.create(file.uri(), file.length(), file.modificationTime(), options.collection(), NO_METADATA));
    }
    int slices = Math.max(1, Math.min(rows.size(), spark.sparkContext().defaultParallelism() * 4));
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    return spark.createDataFrame(jsc.parallelize(rows, slices), FILE_SCHEMA);
  }

  private static Dataset<Row> manifestFiles(SparkSession spark, DigitizeOptions options) {
    String uri = options.manifest();
    Dataset<Row> manifest = spark.read().format(isDelta(spark, uri) ? "delta" : "parquet").load(uri);
    List<String> columns = Arrays.asList(manifest.columns());
    String uriColumn =
        URI_COLUMNS.stream()
            .filter(columns::contains)
            .findFirst()
            .orElseThrow(
                () -> new IllegalArgumentException(
                    "Manifest " + uri + " has no source URI column (one of " + URI_COLUMNS + "); columns: " + columns));
    List<Column> metadataEntries = new ArrayList<>();
    for (String column : columns) {
      if (!column.equals(uriColumn)) {
        metadataEntries.add(lit(column));
        metadataEntries.add(col("`" + column + "`").cast(DataTypes.StringType));
      }
    }
    Column collection = columns.contains("collection") ? col("collection").cast(DataTypes.StringType) : lit(options.collection());
    Column metadata = metadataEntries.isEmpty()
        ? functions.map()
        : functions.map(metadataEntries.toArray(Column[]::new));
    return manifest.select(
        col("`" + uriColumn + "`").cast(DataTypes.StringType).as("source_uri"),
        lit(null).cast(DataTypes.LongType).as("length"),
        lit(null).cast(DataTypes.LongType).as("modification_time"),
        functions.coalesce(collection, lit(options.collection())).as("collection"),
        metadata.as("metadata"));
  }

  private static boolean isDelta(SparkSession spark, String uri) {
    try {
      Path log = new Path(uri, "_delta_log");
      return log.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(log);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read manifest " + uri + ": " + e.getMessage(), e);
    }
  }

  /**
   * One row per page, range-partitioned by (source, page) into partitions of about {@code pagesPerPartition}
   * pages, so consecutive pages of one PDF stay together and are opened once.
   */
  static Dataset<Row> partitionByPages(Dataset<Row> pages, long pageCount, int pagesPerPartition) {
    int partitions = (int) Math.max(1, (pageCount + pagesPerPartition - 1) / pagesPerPartition);
    return pages.repartitionByRange(partitions, col("source_uri"), col("page_no"));
  }

  /** The page rows of the files, unpartitioned; page counting happens here, in executors. */
  static Dataset<Row> expand(Dataset<Row> files, Configuration hadoopConf, PageOptions pageOptions) {
    SerializableConfiguration conf = new SerializableConfiguration(hadoopConf);
    return files.mapPartitions(new Expand(conf, pageOptions), Encoders.row(PAGE_SCHEMA));
  }

  /** Executor side of {@link #expand}: small serializable state only. */
  private static final class Expand implements MapPartitionsFunction<Row, Row> {
    private final SerializableConfiguration conf;
    private final PageOptions options;

    Expand(SerializableConfiguration conf, PageOptions options) {
      this.conf = conf;
      this.options = options;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> files) {
      List<Row> pages = new ArrayList<>();
      while (files.hasNext()) {
        Row file = files.next();
        String uri = file.getString(0);
        SourceFile source = new SourceFile(uri, file.isNullAt(1) ? -1 : file.getLong(1), file.isNullAt(2) ? -1 : file.getLong(2));
        for (PageRef ref : PageSources.expand(source, conf.value(), options)) {
          pages.add(RowFactory.create(
              ref.sourceUri(), ref.pageNo(), ref.format(), ref.errorClass(), ref.errorMessage(), file.get(3), file.get(4)));
        }
      }
      return pages.iterator();
    }
  }
}
