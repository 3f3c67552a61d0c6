package io.scriptorium.pipeline.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.scriptorium.testing.UnitTest;
import org.junit.jupiter.api.Test;

/** A chunk holds at least the configured pages, and enough for four waves of inference tasks over the cluster. */
@UnitTest
class ChunkPagesTest {
  @Test
  void aChunkFeedsEveryInferenceSlotFourTimesOver() {
    assertThat(DigitizeJob.chunkPages(500, 8, 2)).as("local[2]: the configured size").isEqualTo(500);
    assertThat(DigitizeJob.chunkPages(500, 64, 64)).as("16 GPUs x 4 tasks, 64 pages a task")
        .isEqualTo(DigitizeJob.CHUNK_WAVES * 64 * 64);
    assertThat(DigitizeJob.chunkPages(100_000, 64, 64)).as("a bigger configured size wins").isEqualTo(100_000);
    assertThat(DigitizeJob.chunkPages(500, Integer.MAX_VALUE, 64)).as("no overflow").isEqualTo(Integer.MAX_VALUE);
  }
}
