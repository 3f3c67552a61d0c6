package io.scriptorium.pipeline.infer;

import org.apache.spark.resource.ResourceProfile;

/**
 * How a run's inference stages are laid out on the cluster, decided once per run on the driver.
 *
 * @param pagesPerPartition most pages one inference task takes ({@code spark.scriptorium.pagesPerPartition})
 * @param concurrentTasks inference tasks the cluster runs at once ({@link InferenceResources#concurrentTasks})
 * @param profile the stage's own task resources ({@link InferenceResources#forInference}); null: the job's
 */
public record InferenceStage(int pagesPerPartition, int concurrentTasks, ResourceProfile profile) {
  /** Inference tasks per chunk, in waves over every task slot of the cluster: at least this many. */
  public static final int CHUNK_WAVES = 4;

  public InferenceStage {
    if (pagesPerPartition < 1 || concurrentTasks < 1) {
      throw new IllegalArgumentException("pagesPerPartition and concurrentTasks must be >= 1: " + pagesPerPartition
          + ", " + concurrentTasks);
    }
  }

  /**
   * Tasks for {@code pages}: at most {@code pagesPerPartition} pages each, and at least one per slot while there are
   * pages for them, so a small run on a big cluster spreads over every GPU instead of filling a few tasks (1,000 pages
   * at 64 a task would feed 16 of 64 slots).
   */
  public int partitions(long pages) {
    long byPages = (pages + pagesPerPartition - 1) / pagesPerPartition;
    return (int) Math.min(Integer.MAX_VALUE, Math.max(1, Math.max(byPages, Math.min(pages, concurrentTasks))));
  }

  /**
   * Pages per chunk on a cluster: {@code configured} ({@code spark.scriptorium.commit.chunkPages}), raised to
   * {@link #CHUNK_WAVES} waves of inference tasks over every slot. Chunks infer one after the other, so a chunk with
   * fewer tasks than the cluster has slots leaves the rest idle (500 pages at 64 per task feed 8 tasks, two GPUs' worth
   * at 4 tasks each), and a chunk of one wave idles most slots while its last tasks finish. A chunk of four waves
   * lasts about four task lengths whatever the cluster's size, which bounds what a killed run loses in time.
   */
  public int chunkPages(int configured) {
    long waves = (long) CHUNK_WAVES * concurrentTasks * pagesPerPartition;
    return (int) Math.min(Integer.MAX_VALUE, Math.max(configured, waves));
  }
}
