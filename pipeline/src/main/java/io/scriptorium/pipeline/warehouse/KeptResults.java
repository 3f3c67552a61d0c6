package io.scriptorium.pipeline.warehouse;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.size;

import io.scriptorium.pipeline.infer.PartitionInference;
import io.scriptorium.pipeline.vocab.PageStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Inferred chunks that a failed run could not commit (its commit failed, or failed before theirs), kept under
 * {@code <warehouse>/_kept/} so that the next run commits them instead of inferring their pages again.
 *
 * <p>Only a chunk whose inference job completed is kept (Spark's {@code _SUCCESS} marker), and only its pages with
 * outputs of their own are committed from it: duplicates and failed pages need the failed run's plan, so the next
 * run's planning decides them again. Committing is idempotent (the writer MERGEs by key), so a kept chunk committed
 * twice, or partly committed by the failed run, ends as the same rows. A run killed outright keeps nothing: its
 * staged files are deleted and its uncommitted pages inferred again.
 */
public final class KeptResults {
  private static final Logger LOG = LoggerFactory.getLogger(KeptResults.class);
  static final String DIR = "_kept";

  private final SparkSession spark;
  private final Warehouse warehouse;

  public KeptResults(SparkSession spark, Warehouse warehouse) {
    this.spark = spark;
    this.warehouse = warehouse;
  }

  /** Moves the failed run's completely inferred, uncommitted chunks out of its staging, which is deleted next. */
  public void keep(String runId, String chunksStaging) {
    try {
      Path chunks = new Path(chunksStaging);
      FileSystem fs = chunks.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(chunks)) {
        return;
      }
      for (FileStatus chunk : fs.listStatus(chunks)) {
        String name = chunk.getPath().getName();
        if (chunk.isDirectory() && !name.contains("-") && fs.exists(new Path(chunk.getPath(), "_SUCCESS"))) {
          Path kept = new Path(warehouse.root() + "/" + DIR + "/" + runId + "-" + name);
          fs.mkdirs(kept.getParent());
          if (fs.rename(chunk.getPath(), kept)) {
            LOG.warn("{}: chunk {} was inferred but not committed; kept at {} for the next run to commit", runId,
                name, kept);
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("{}: could not keep its uncommitted chunks ({}); the next run infers their pages again", runId,
          e.toString());
    }
  }

  /** Commits every kept chunk's inferred pages and deletes it; returns the pages committed. */
  public long commitAll(ResultWriter writer) {
    Path root = new Path(warehouse.root() + "/" + DIR);
    long pages = 0;
    try {
      FileSystem fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(root)) {
        return 0;
      }
      for (FileStatus kept : fs.listStatus(root)) {
        Dataset<Row> inferred = spark.read().schema(PartitionInference.RESULT_SCHEMA).parquet(kept.getPath().toString())
            .where(col("status").equalTo(PageStatus.OK.wireName()).and(size(col("outputs")).gt(0)));
        long count = inferred.count();
        writer.commit(inferred, count);
        LOG.info("Committed {} page(s) inferred by a failed run and kept at {}", count, kept.getPath());
        fs.delete(kept.getPath(), true);
        pages += count;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the kept results under " + root, e);
    }
    return pages;
  }
}
