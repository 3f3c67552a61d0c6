package io.scriptorium.pipeline.infer;

import io.scriptorium.model.RuntimeConfig;
import io.scriptorium.pipeline.ScriptoriumConf;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Executor side: where this JVM's model comes from and which device it runs on, decided just before the task asks
 * for the shared runtime.
 *
 * <ul>
 *   <li><b>Bundle.</b> A bundle URI is replaced by its local copy in the node's cache ({@link BundleCache},
 *       {@link ScriptoriumConf#MODEL_CACHE_DIR}).
 *   <li><b>Device.</b> With {@code spark.scriptorium.device=gpu} (or {@code gpu:N}) the model runs on the GPU Spark
 *       assigned to the task ({@code spark.executor.resource.gpu.amount}, and {@code spark.scriptorium.inference.gpusPerTask}
 *       or {@code spark.task.resource.gpu.amount}):
 *       {@code gpu:<first assigned address>}. Tasks of one executor share its GPU and its one runtime (a fractional
 *       task amount such as 0.25 lets four tasks feed one model). When GPU was requested but Spark assigned none, the
 *       executor runs on CPU and warns once. In local mode, where Spark schedules no resources unless told to, the
 *       configured device is used as it is.
 * </ul>
 */
public final class ModelPlacement {
  static final String GPU = "gpu";
  private static final Pattern GPU_ADDRESS = Pattern.compile("\\d{1,3}");
  private static final Logger LOG = LoggerFactory.getLogger(ModelPlacement.class);
  private static final AtomicBoolean WARNED_NO_GPU = new AtomicBoolean();

  private ModelPlacement() {}

  /**
   * Driver side: the config with the bundle fetched into the driver node's cache, for describing the model and
   * rendering prompts. Never ship the result to executors: its bundle path is local to the driver's node.
   */
  public static RuntimeConfig forDriver(RuntimeConfig requested, SparkSession spark) {
    String cacheRoot = new ScriptoriumConf(spark.conf()).modelCacheDir();
    return requested.withBundle(
        BundleCache.localize(requested.bundle(), spark.sparkContext().hadoopConfiguration(), cacheRoot));
  }

  /** The runtime config for the current task: local bundle directory, Spark-assigned device. */
  public static RuntimeConfig forTask(RuntimeConfig requested, Configuration hadoopConf) {
    SparkEnv env = SparkEnv.get();
    String cacheRoot = ScriptoriumConf.modelCacheDir(env == null ? null : env.conf());
    RuntimeConfig local = requested.withBundle(BundleCache.localize(requested.bundle(), hadoopConf, cacheRoot));
    boolean localMode = env == null || "driver".equals(env.executorId());
    return local.withDevice(device(requested.device(), assignedGpus(TaskContext.get()), localMode));
  }

  /** The GPU addresses Spark assigned to the task; empty outside a task or without GPU scheduling. */
  static List<String> assignedGpus(TaskContext task) {
    if (task == null) {
      return List.of();
    }
    Map<String, ResourceInformation> resources = task.resourcesJMap();
    ResourceInformation gpus = resources == null ? null : resources.get(GPU);
    return gpus == null ? List.of() : Arrays.asList(gpus.addresses());
  }

  /**
   * The device to run on.
   *
   * @param requested the configured device: cpu, gpu or gpu:N
   * @param assigned GPU addresses Spark assigned to the task (Spark's own order)
   * @param localMode whether this is a local-mode driver, where an explicit GPU request is honoured as it is
   */
  static String device(String requested, List<String> assigned, boolean localMode) {
    String device = requested == null ? "cpu" : requested.trim();
    if (!device.startsWith(GPU)) {
      return device;
    }
    for (String address : assigned) {
      if (address != null && GPU_ADDRESS.matcher(address.trim()).matches()) {
        return "gpu:" + Integer.parseInt(address.trim());
      }
    }
    if (localMode) {
      return device;
    }
    if (WARNED_NO_GPU.compareAndSet(false, true)) {
      LOG.warn("{}={} but Spark assigned no GPU to this executor's tasks (assigned: {}); running the model on CPU."
          + " Request GPUs with spark.executor.resource.gpu.amount, spark.scriptorium.inference.gpusPerTask and"
          + " spark.executor.resource.gpu.discoveryScript (conf/spark-defaults.conf.gpu.template)",
          ScriptoriumConf.DEVICE, device, assigned);
    }
    return "cpu";
  }
}
