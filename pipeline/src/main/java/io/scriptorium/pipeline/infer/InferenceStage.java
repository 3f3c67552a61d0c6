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
}
