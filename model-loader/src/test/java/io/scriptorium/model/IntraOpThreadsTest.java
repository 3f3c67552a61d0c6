package io.scriptorium.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.scriptorium.testing.UnitTest;
import org.junit.jupiter.api.Test;

/**
 * {@code spark.scriptorium.runtime.intraOpThreads} takes effect whatever was set first (#15): the launcher used to set
 * {@code ai.djl.pytorch.num_threads=1}, and the runtime only applied its value when the property was absent.
 */
@UnitTest
class IntraOpThreadsTest {
  @Test
  void theRuntimesSettingWinsOverAPropertySetBeforeAndOverTheRunningEngine() {
    System.setProperty(DjlSettings.NUM_THREADS, "1"); // what bin/scriptorium did
    try (OcrRuntime runtime = OcrRuntime.open(RuntimeConfig.defaults().withIntraOpThreads(2))) {
      assertThat(DjlSettings.intraOpThreads()).isEqualTo(2);
    }
    try (OcrRuntime runtime = OcrRuntime.open(RuntimeConfig.defaults().withIntraOpThreads(1))) {
      assertThat(DjlSettings.intraOpThreads()).as("an engine already running is set too").isEqualTo(1);
    }
  }
}
