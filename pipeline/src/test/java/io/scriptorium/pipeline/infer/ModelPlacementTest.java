package io.scriptorium.pipeline.infer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scriptorium.pipeline.ScriptoriumConf;
import io.scriptorium.pipeline.StorageUris;
import io.scriptorium.testing.UnitTest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The executor's device follows Spark's GPU assignment; credentials never ride in URIs. */
@UnitTest
class ModelPlacementTest {

  @Test
  void cpuStaysOnCpuWhateverSparkAssigned() {
    assertThat(ModelPlacement.device("cpu", List.of("0"), false)).isEqualTo("cpu");
    assertThat(ModelPlacement.device(null, List.of(), false)).isEqualTo("cpu");
  }

  @Test
  void aGpuRequestRunsOnTheGpuSparkAssignedToTheTask() {
    assertThat(ModelPlacement.device("gpu", List.of("1"), false)).isEqualTo("gpu:1");
    assertThat(ModelPlacement.device("gpu:0", List.of("3", "2"), false)).isEqualTo("gpu:3");
    assertThat(ModelPlacement.device("gpu", List.of("0"), true)).isEqualTo("gpu:0");
  }

  @Test
  void aGpuRequestWithoutAnAssignedGpuFallsBackToCpuOnAClusterButNotInLocalMode() {
    assertThat(ModelPlacement.device("gpu", List.of(), false)).isEqualTo("cpu");
    assertThat(ModelPlacement.device("gpu:2", List.of(), false)).isEqualTo("cpu");
    assertThat(ModelPlacement.device("gpu:2", List.of(), true)).isEqualTo("gpu:2");
    assertThat(ModelPlacement.device("gpu", List.of("not-a-number"), false)).isEqualTo("cpu");
  }

  @Test
  void theBundleCacheDirectoryDefaultsToTheJvmTempDirectory() {
    String tmp = System.getProperty("java.io.tmpdir");
    assertThat(ScriptoriumConf.modelCacheDir((org.apache.spark.SparkConf) null)).isEqualTo(tmp + "/scriptorium-bundles");
    org.apache.spark.SparkConf conf = new org.apache.spark.SparkConf(false);
    conf.set(ScriptoriumConf.MODEL_CACHE_DIR, " ${java.io.tmpdir}/models ");
    assertThat(ScriptoriumConf.modelCacheDir(conf)).isEqualTo(tmp + "/models");
    conf.set(ScriptoriumConf.MODEL_CACHE_DIR, "/var/cache/scriptorium");
    assertThat(ScriptoriumConf.modelCacheDir(conf)).isEqualTo("/var/cache/scriptorium");
    conf.set(ScriptoriumConf.MODEL_CACHE_DIR, " ");
    assertThatThrownBy(() -> ScriptoriumConf.modelCacheDir(conf))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Invalid value for spark.scriptorium.model.cacheDir");
  }

  @Test
  void uriUserInfoIsRedactedAndSecretsInUrisAreRefused() {
    assertThat(StorageUris.redact("s3a://AKID:secret@bucket/pages")).isEqualTo("s3a://***@bucket/pages");
    assertThat(StorageUris.redact("s3a://bucket/pages")).isEqualTo("s3a://bucket/pages");
    assertThat(StorageUris.redact(null)).isNull();
    StorageUris.requireNoSecret("--input", "hdfs://etl@namenode:8020/scans"); // a user name alone is no secret
    StorageUris.requireNoSecret("--input", "/data/scans");
    StorageUris.requireNoSecret("--input", null);
    assertThatThrownBy(() -> StorageUris.requireNoSecret("--input", "s3a://AKID:TopSecret/x@bucket/pages"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("--input s3a://***@bucket/pages has credentials in the URI")
        .hasMessageNotContaining("TopSecret");
  }
}
