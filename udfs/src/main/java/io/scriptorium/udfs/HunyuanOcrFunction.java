package io.scriptorium.udfs;

import static org.apache.spark.sql.functions.udf;

import io.scriptorium.model.ImageRejectedException;
import io.scriptorium.model.OcrResult;
import io.scriptorium.model.OcrRuntime;
import io.scriptorium.model.PreparedImage;
import io.scriptorium.model.RuntimeConfig;
import io.scriptorium.model.Task;
import io.scriptorium.model.TaskSpec;
import io.scriptorium.pipeline.Scriptorium;
import io.scriptorium.pipeline.ScriptoriumConf;
import io.scriptorium.pipeline.pages.DecodedPage;
import io.scriptorium.pipeline.pages.PageFailure;
import io.scriptorium.pipeline.pages.PageOptions;
import io.scriptorium.pipeline.pages.PageReader;
import io.scriptorium.pipeline.pages.PageRef;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.api.java.UDF3;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.SerializableConfiguration;

/**
 * {@code hunyuan_ocr(content, task [, options])}: HunyuanOCR on one image from SQL, through the executor's shared
 * {@link OcrRuntime} (the one {@code digitize} uses, loaded once per executor JVM).
 *
 * <p>The {@code spark.scriptorium.*} settings are read on the driver when a query is analysed, from the session that
 * runs it; executors receive only the resulting {@link RuntimeConfig} and {@link PageOptions}. The content is decoded
 * by the pipeline's page reader (every format {@code digitize} reads, with its limits; a PDF gives its first page).
 * Each task thread infers one row at a time: for archives use {@code digitize}, which keeps the batch full.
 */
final class HunyuanOcrFunction {
  static final StructType RESULT = new StructType()
      .add("text", DataTypes.StringType)
      .add("finish_reason", DataTypes.StringType);

  static final Set<String> OPTIONS = Set.of("fields", "target_lang", "question");

  private HunyuanOcrFunction() {}

  static SqlFunction function(Supplier<SparkSession> session) {
    return new SqlFunction("hunyuan_ocr",
        "_FUNC_(content, task[, options]) - Runs HunyuanOCR on an image and returns struct<text:string, "
            + "finish_reason:string> (the raw answer with special tokens kept; stop, length or repetition). The model "
            + "is the session's spark.scriptorium.model (default builtin:tiny). NULL if content is NULL or not a "
            + "readable image, the task or options are invalid, or the model fails on this image.",
        "content - image bytes (BINARY), e.g. the content column of the binaryFile source\n"
            + "task - spotting, parse, formula, table, chart, text, ie, translate, subtitles or vqa\n"
            + "options - map<string,string>: fields (comma-separated, ie), target_lang (en or zh, translate), "
            + "question (vqa)",
        "> SELECT path, _FUNC_(content, 'spotting').text FROM binaryFile.`/scans/*.png`;\n"
            + "> SELECT _FUNC_(content, 'ie', map('fields', 'date,total')) FROM binaryFile.`/scans/invoice.png`;",
        Map.of(
            2, () -> bind(session, false),
            3, () -> bind(session, true)));
  }

  /** Reads the settings now, on the driver, and closes the UDF over their small serializable records only. */
  private static UserDefinedFunction bind(Supplier<SparkSession> session, boolean withOptions) {
    SparkSession spark = session.get();
    ScriptoriumConf conf = new ScriptoriumConf(spark.conf());
    RuntimeConfig runtime = conf.runtimeConfig(null);
    PageOptions pages = conf.pageOptions();
    SerializableConfiguration hadoop = new SerializableConfiguration(spark.sparkContext().hadoopConfiguration());
    if (withOptions) {
      return udf((UDF3<Object, Object, Object, Row>) (content, task, options) ->
          run(runtime, hadoop, pages, content, task, options, true), RESULT);
    }
    return udf((UDF2<Object, Object, Row>) (content, task) ->
        run(runtime, hadoop, pages, content, task, null, false), RESULT);
  }

  static Row run(RuntimeConfig config, SerializableConfiguration hadoop, PageOptions pageOptions, Object content,
      Object task, Object options, boolean optionsGiven) {
    if (!(content instanceof byte[] bytes) || bytes.length == 0) {
      return null;
    }
    TaskSpec spec = spec(Args.string(task), options, optionsGiven);
    if (spec == null) {
      return null;
    }
    // Placed as digitize places it: a URI bundle from the node's cache, the GPU Spark assigned; so a query and a
    // digitize on one executor share one runtime. A bundle that cannot load fails the query: no row's fault.
    OcrRuntime runtime = OcrRuntime.shared(Scriptorium.runtimeForTask(config, hadoop.value()));
    Path file = null;
    try {
      file = Files.createTempFile("scriptorium-hunyuan-ocr-", ".page");
      Files.write(file, bytes);
      DecodedPage page;
      try (PageReader reader = new PageReader(LocalFiles.CONF, pageOptions)) {
        page = reader.read(new PageRef(file.toUri().toString(), 1, "unknown", null, null));
      }
      PreparedImage image = runtime.prepare(page.image());
      OcrResult result = runtime.submit(image, runtime.prompt(spec)).get();
      return RowFactory.create(result.text(), result.finishReason().name().toLowerCase(Locale.ROOT));
    } catch (PageFailure | ImageRejectedException | ExecutionException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for the model", e);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot stage the image in a temporary file", e);
    } finally {
      if (file != null) {
        try {
          Files.deleteIfExists(file);
        } catch (IOException e) {
          file.toFile().deleteOnExit();
        }
      }
    }
  }

  /** The task with its options; null when the task is unknown or the options do not fit it. */
  static TaskSpec spec(String taskName, Object options, boolean optionsGiven) {
    if (taskName == null) {
      return null;
    }
    Map<Object, Object> map = optionsGiven ? Args.map(options) : Map.of();
    if (map == null) {
      return null;
    }
    List<String> fields = new ArrayList<>();
    String targetLanguage = null;
    String question = null;
    for (Map.Entry<Object, Object> e : map.entrySet()) {
      if (!(e.getKey() instanceof String key) || !OPTIONS.contains(key) || !(e.getValue() instanceof String value)) {
        return null;
      }
      switch (key) {
        case "fields" -> {
          for (String f : value.split(",")) {
            if (!f.isBlank()) {
              fields.add(f.strip());
            }
          }
        }
        case "target_lang" -> targetLanguage = value.strip();
        default -> question = value;
      }
    }
    try {
      return new TaskSpec(Task.parse(taskName), fields, targetLanguage, question);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** The Hadoop configuration for reading the staged local file, made once per JVM when first needed. */
  private static final class LocalFiles {
    static final Configuration CONF = new Configuration();
  }
}
