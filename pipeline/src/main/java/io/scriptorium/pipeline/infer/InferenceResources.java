package io.scriptorium.pipeline.infer;

import io.scriptorium.pipeline.ScriptoriumConf;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.resource.ResourceProfile;
import org.apache.spark.resource.ResourceProfileBuilder;
import org.apache.spark.resource.TaskResourceRequests;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The GPU share of the inference stage alone ({@link ScriptoriumConf#INFERENCE_GPUS_PER_TASK}), as a Spark task
 * resource profile: inference tasks wait for a share of their executor's GPU, while the chunk commits, planning and
 * every other task ask only for cores, so a commit runs beside the next chunk's inference instead of waiting for an
 * inference task to end.
 *
 * <p>Spark runs task-only profiles on the executors it already has (standalone, YARN, Kubernetes, dynamic allocation
 * off). Where it cannot, the run goes on with the job's own task resources and says why once.
 */
public final class InferenceResources {
  private static final Logger LOG = LoggerFactory.getLogger(InferenceResources.class);
  static final String EXECUTOR_GPUS = "spark.executor.resource.gpu.amount";
  static final String TASK_GPUS = "spark.task.resource.gpu.amount";

  private InferenceResources() {}

  /**
   * The profile of the inference stage, or null when the job's own task resources apply ({@code gpusPerTask} 0, or a
   * cluster where Spark cannot apply a task profile: the reason is logged).
   *
   * @throws ScriptoriumConf.SettingException when executors offer no GPU to share: the inference tasks could never start
   */
  public static ResourceProfile forInference(SparkConf conf, double gpusPerTask) {
    if (gpusPerTask == 0) {
      return null;
    }
    String master = conf.get("spark.master", "local");
    if (master.startsWith("local") && !master.startsWith("local-cluster")) {
      LOG.warn("{}={} is ignored in local mode, where Spark schedules no GPUs: the model runs on {} as set",
          ScriptoriumConf.INFERENCE_GPUS_PER_TASK, gpusPerTask, ScriptoriumConf.DEVICE);
      return null;
    }
    if (conf.getBoolean("spark.dynamicAllocation.enabled", false)) {
      LOG.warn("{}={} is ignored: Spark applies a task-only resource profile only with dynamic allocation off."
              + " Every task now pays {} ({}), chunk commits included",
          ScriptoriumConf.INFERENCE_GPUS_PER_TASK, gpusPerTask, TASK_GPUS, conf.get(TASK_GPUS, "unset"));
      return null;
    }
    double executorGpus = conf.getDouble(EXECUTOR_GPUS, 0);
    if (executorGpus < Math.max(gpusPerTask, 1)) {
      throw new ScriptoriumConf.SettingException(ScriptoriumConf.INFERENCE_GPUS_PER_TASK + "=" + gpusPerTask + " needs "
          + EXECUTOR_GPUS + " of at least " + (int) Math.max(1, Math.ceil(gpusPerTask)) + " (now "
          + conf.get(EXECUTOR_GPUS, "unset") + "): inference tasks would wait for a GPU forever");
    }
    if (conf.getDouble(TASK_GPUS, 0) > 0) {
      LOG.warn("{} is set as well as {}: every task still waits for a GPU share, chunk commits included; unset it to"
          + " let commits run on the free cores", TASK_GPUS, ScriptoriumConf.INFERENCE_GPUS_PER_TASK);
    }
    ResourceProfile profile = new ResourceProfileBuilder()
        .require(new TaskResourceRequests().cpus(conf.getInt("spark.task.cpus", 1))
            .resource(ModelPlacement.GPU, gpusPerTask))
        .build();
    LOG.info("Inference tasks request {} GPU each (resource profile {}); other tasks request cores only",
        gpusPerTask, profile.id());
    return profile;
  }

  /**
   * How many inference tasks a cluster runs at once: its registered cores over {@code spark.task.cpus}, and where
   * inference tasks request a GPU share ({@code gpusPerTask}, else {@code spark.task.resource.gpu.amount}), no more
   * than the executors' GPUs hold shares. At least 1.
   */
  public static int concurrentTasks(SparkContext context, double gpusPerTask) {
    SparkConf conf = context.getConf();
    int executors = Math.max(1, context.statusTracker().getExecutorInfos().length - 1); // less the driver
    // local mode schedules no resources: its threads are its slots
    double share = context.isLocal() ? 0 : gpusPerTask > 0 ? gpusPerTask : conf.getDouble(TASK_GPUS, 0);
    return concurrentTasks(context.defaultParallelism(), conf.getInt("spark.task.cpus", 1),
        share, executors, conf.getDouble(EXECUTOR_GPUS, 0));
  }

  /** {@link #concurrentTasks(SparkContext, double)} from its figures; {@code gpuShare} 0: tasks request no GPU. */
  static int concurrentTasks(int cores, int cpusPerTask, double gpuShare, int executors, double gpusPerExecutor) {
    int slots = cores / Math.max(1, cpusPerTask);
    if (gpuShare > 0) {
      // a share of 0.25 is a quarter of one GPU (Spark: 4 tasks per GPU); a whole number takes that many GPUs
      long perExecutor = gpuShare < 1 ? (long) Math.floor(1 / gpuShare + 1e-9) * (long) Math.floor(gpusPerExecutor)
          : (long) Math.floor(gpusPerExecutor / gpuShare + 1e-9);
      slots = (int) Math.min(slots, perExecutor * executors);
    }
    return Math.max(1, slots);
  }
}
