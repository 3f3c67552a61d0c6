package io.scriptorium.pipeline.infer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scriptorium.testing.UnitTest;
import org.junit.jupiter.api.Test;

/**
 * A chunk's inference tasks: at most pagesPerPartition pages each, and every slot fed while pages last; a chunk on a
 * cluster holds four waves of them.
 */
@UnitTest
class InferenceStageTest {
  @Test
  void aSmallChunkIsSpreadOverEverySlotAndABigOneCutByPagesPerTask() {
    InferenceStage sixteenGpus = new InferenceStage(64, 64, null);
    assertThat(sixteenGpus.partitions(1_000)).as("1,000 pages over 64 slots, not 16 tasks of 64").isEqualTo(64);
    assertThat(sixteenGpus.partitions(100_000)).as("64 pages a task").isEqualTo(1_563);
    assertThat(sixteenGpus.partitions(10)).as("one page a task while slots are left").isEqualTo(10);
    assertThat(sixteenGpus.partitions(0)).isEqualTo(1);
    InferenceStage local = new InferenceStage(8, 2, null);
    assertThat(local.partitions(500)).isEqualTo(63);
    assertThat(local.partitions(5)).as("local[2]: both threads").isEqualTo(2);
    assertThat(new InferenceStage(1, 1, null).partitions(7)).isEqualTo(7);
  }

  @Test
  void aChunkFeedsEveryInferenceSlotFourTimesOver() {
    assertThat(new InferenceStage(8, 2, null).chunkPages(500)).as("local[2]: the configured size").isEqualTo(500);
    assertThat(new InferenceStage(64, 64, null).chunkPages(500)).as("16 GPUs x 4 tasks, 64 pages a task")
        .isEqualTo(InferenceStage.CHUNK_WAVES * 64 * 64);
    assertThat(new InferenceStage(64, 64, null).chunkPages(100_000)).as("a bigger configured size wins")
        .isEqualTo(100_000);
    assertThat(new InferenceStage(Integer.MAX_VALUE, 64, null).chunkPages(500)).as("no overflow")
        .isEqualTo(Integer.MAX_VALUE);
  }

  @Test
  void sizesBelowOneAreRefused() {
    assertThatThrownBy(() -> new InferenceStage(0, 4, null)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new InferenceStage(8, 0, null)).isInstanceOf(IllegalArgumentException.class);
  }
}
