package io.scriptorium.pipeline.infer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scriptorium.pipeline.ScriptoriumConf;
import io.scriptorium.testing.UnitTest;
import org.apache.spark.SparkConf;
import org.apache.spark.resource.ResourceProfile;
import org.apache.spark.resource.TaskResourceProfile;
import org.junit.jupiter.api.Test;

/**
 * When the inference stage gets a task profile of its own, and what it requests. That Spark schedules by it on a real
 * cluster (inference stages under the profile, commit stages under the default one) is {@code StandaloneClusterIT}'s.
 */
@UnitTest
class InferenceResourcesTest {
  private static SparkConf conf(String master, String... keysAndValues) {
    SparkConf conf = new SparkConf(false).setMaster(master);
    for (int i = 0; i < keysAndValues.length; i += 2) {
      conf.set(keysAndValues[i], keysAndValues[i + 1]);
    }
    return conf;
  }

  @Test
  void onAClusterInferenceTasksRequestTheirGpuShareAndTheJobsCpusPerTask() {
    ResourceProfile profile = InferenceResources.forInference(
        conf("spark://127.0.0.1:7077", InferenceResources.EXECUTOR_GPUS, "1", "spark.task.cpus", "2"), 0.25);
    assertThat(profile).isInstanceOf(TaskResourceProfile.class);
    assertThat(profile.executorResourcesJMap()).as("executors: the ones the job has").isEmpty();
    assertThat(profile.taskResourcesJMap().get(ModelPlacement.GPU).amount()).isEqualTo(0.25);
    assertThat(profile.taskResourcesJMap().get("cpus").amount()).isEqualTo(2.0);
  }

  @Test
  void noShareOrNoResourceSchedulingLeavesTheJobsOwnTaskResources() {
    SparkConf cluster = conf("spark://127.0.0.1:7077", InferenceResources.EXECUTOR_GPUS, "1");
    assertThat(InferenceResources.forInference(cluster, 0)).as("not asked for").isNull();
    assertThat(InferenceResources.forInference(conf("local[2]", InferenceResources.EXECUTOR_GPUS, "1"), 0.5))
        .as("local mode schedules no GPUs").isNull();
    assertThat(InferenceResources.forInference(cluster.clone().set("spark.dynamicAllocation.enabled", "true"), 0.5))
        .as("task-only profiles need dynamic allocation off").isNull();
    assertThat(InferenceResources.forInference(conf("yarn", InferenceResources.EXECUTOR_GPUS, "1"), 0.5)).isNotNull();
  }

  @Test
  void executorsWithoutEnoughGpusAreRefusedBeforeTasksWaitForever() {
    for (SparkConf conf : new SparkConf[] {conf("spark://127.0.0.1:7077"),
        conf("k8s://https://api:6443", InferenceResources.EXECUTOR_GPUS, "1")}) {
      double share = conf.contains(InferenceResources.EXECUTOR_GPUS) ? 2 : 0.5;
      assertThatThrownBy(() -> InferenceResources.forInference(conf, share))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(ScriptoriumConf.INFERENCE_GPUS_PER_TASK)
          .hasMessageContaining(InferenceResources.EXECUTOR_GPUS);
    }
  }

  @Test
  void concurrentTasksAreTheCoresUnlessTheGpusHoldFewerShares() {
    assertThat(InferenceResources.concurrentTasks(128, 1, 0, 16, 0)).as("no GPU: the cores").isEqualTo(128);
    assertThat(InferenceResources.concurrentTasks(128, 2, 0, 16, 1)).as("two cores a task").isEqualTo(64);
    assertThat(InferenceResources.concurrentTasks(128, 1, 0.25, 16, 1)).as("16 GPUs, 4 shares each").isEqualTo(64);
    assertThat(InferenceResources.concurrentTasks(8, 1, 0.25, 4, 1)).as("fewer cores than shares").isEqualTo(8);
    assertThat(InferenceResources.concurrentTasks(96, 1, 2, 3, 4)).as("2 GPUs a task, 4 per executor").isEqualTo(6);
    assertThat(InferenceResources.concurrentTasks(8, 1, 0.3, 2, 1)).as("0.3: 3 per GPU").isEqualTo(6);
    assertThat(InferenceResources.concurrentTasks(1, 4, 0, 1, 0)).as("at least one").isEqualTo(1);
  }
}
