package io.scriptorium.pipeline.warehouse;

import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;

import java.util.List;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** The warehouse's Delta tables: names, schemas with column comments, partitioning. */
public final class Tables {
  public static final String NAMESPACE = "scriptorium";
  public static final String PAGES = "pages";
  public static final String RAW_OUTPUTS = "raw_outputs";
  public static final String SPOTS = "spots";
  public static final String RUNS = "runs";
  public static final List<String> ALL = List.of(PAGES, RAW_OUTPUTS, SPOTS, RUNS);

  /** Result tables are partitioned so a night's batch or one collection is a cheap slice. */
  public static final List<String> PARTITION_COLUMNS = List.of("collection", "batch_date");

  private Tables() {}

  public static final StructType PAGES_SCHEMA =
      schema(
          col("page_id", StringType, "Stable page id: first 32 hex chars of sha256(source_uri + '#' + page_no)"),
          col("source_uri", StringType, "URI of the file the page came from"),
          col("page_no", IntegerType, "1-based page number within the source file"),
          col("format", StringType, "Detected content format (jpeg, png, tiff, bmp, gif, webp, pdf, unknown)"),
          col("content_sha256", StringType, "sha256 of the file bytes (single images) or of the decoded page raster (PDF and multi-page TIFF pages); results are keyed by it"),
          col("file_length", LongType, "Size of the source file in bytes when the page was read"),
          col("file_modified", LongType, "Modification time of the source file (ms since epoch) when the page was read"),
          col("width", IntegerType, "Source page width in pixels (PDF pages: as rendered at the configured DPI)"),
          col("height", IntegerType, "Source page height in pixels"),
          col("status", StringType, "ok; failed (error_class, error_message); or quarantined after too many failed attempts"),
          col("attempts", IntegerType, "Failed attempts so far at this page (reset by success or requeue)"),
          col("error_class", StringType, "Stable failure class, e.g. corrupt_image, encrypted_pdf, decompression_bomb"),
          col("error_message", StringType, "Human-readable failure reason naming the file"),
          col("metadata", DataTypes.createMapType(StringType, StringType), "Columns carried from the input manifest (document id, shelfmark, ...)"),
          col("run_id", StringType, "Run that produced this row (see runs)"),
          col("executor_id", StringType, "Spark executor that processed the page"),
          col("decode_ms", DoubleType, "Time to read and decode or render the page"),
          col("preprocess_ms", DoubleType, "Time to resize, normalise and patchify the page"),
          col("inference_ms", DoubleType, "Wall time from submitting the page's tasks to the last result"),
          col("processed_at", TimestampType, "When the page finished"),
          col("collection", StringType, "Collection the page belongs to (partition column)"),
          col("batch_date", DateType, "Batch date of the run (partition column)"),
          col("file_pages", IntegerType, "Pages found in the source file when it was listed; null when the file could not be opened to count them (a transient failure is listed again by the next run)"));

  public static final StructType RAW_OUTPUTS_SCHEMA =
      schema(
          col("content_sha256", StringType, "Content of the page the output is for; identical pages share one output"),
          col("page_id", StringType, "Page that was inferred (other pages with the same content_sha256 share the row)"),
          col("task", StringType, "HunyuanOCR task: spotting, parse, formula, table, chart, text, ie, translate, subtitles, vqa"),
          col("prompt_language", StringType, "Language of the prompt (zh or en)"),
          col("prompt", StringType, "Exact prompt text sent to the model"),
          col("prompt_sha256", StringType, "sha256 of the prompt text"),
          col("text", StringType, "Raw model output, special tokens kept"),
          col("finish_reason", StringType, "stop (end token), length (max-token cap) or repetition (loop detector)"),
          col("prompt_tokens", IntegerType, "Tokens in the prompt, image placeholders included"),
          col("output_tokens", IntegerType, "Generated tokens"),
          col("model_id", StringType, "Model id from the bundle manifest"),
          col("model_revision", StringType, "Model revision from the bundle manifest"),
          col("bundle_sha256", StringType, "sha256 of the bundle manifest (pins every model file)"),
          col("generation", StringType, "Generation settings as JSON (strategy, stop ids, token caps, repetition)"),
          col("device", StringType, "Device the model ran on"),
          col("executor_id", StringType, "Spark executor that ran the model"),
          col("run_id", StringType, "Run that produced this row"),
          col("attempt", IntegerType, "Attempt number of the page when this output was produced (1 = first try)"),
          col("vision_ms", DoubleType, "Vision encoder time (shared by the page's tasks)"),
          col("prefill_ms", DoubleType, "Prompt prefill time"),
          col("decode_ms", DoubleType, "Token-by-token decode time"),
          col("created_at", TimestampType, "When the output was produced"),
          col("collection", StringType, "Collection (partition column)"),
          col("batch_date", DateType, "Batch date (partition column)"),
          // the task's parameters, as asked (after the partition columns: where ALTER TABLE adds them to older tables)
          col("target_language", StringType, "translate: the target language asked for (en, zh); null otherwise"),
          col("ie_fields", DataTypes.createArrayType(StringType, false),
              "ie: the field names asked for (one name: the single-key prompt); null otherwise"),
          col("question", StringType, "vqa: the question asked; null otherwise"));

  static final StructType SPOTS_SCHEMA =
      schema(
          col("content_sha256", StringType, "Content of the page (see raw_outputs)"),
          col("page_id", StringType, "Page that was inferred"),
          col("line_no", IntegerType, "0-based line number in the model's output order"),
          col("text", StringType, "Recognised text of the line"),
          col("x1", IntegerType, "Left edge in source pixels"),
          col("y1", IntegerType, "Top edge in source pixels"),
          col("x2", IntegerType, "Right edge in source pixels"),
          col("y2", IntegerType, "Bottom edge in source pixels"),
          col("norm_x1", IntegerType, "Left edge on the model's 0-1000 grid"),
          col("norm_y1", IntegerType, "Top edge on the model's 0-1000 grid"),
          col("norm_x2", IntegerType, "Right edge on the model's 0-1000 grid"),
          col("norm_y2", IntegerType, "Bottom edge on the model's 0-1000 grid"),
          col("model_revision", StringType, "Model revision that produced the output"),
          col("prompt_sha256", StringType, "Prompt that produced the output"),
          col("parser_version", StringType, "Version of the spotting parser"),
          col("run_id", StringType, "Run that produced this row"),
          col("collection", StringType, "Collection (partition column)"),
          col("batch_date", DateType, "Batch date (partition column)"));

  static final StructType RUNS_SCHEMA =
      schema(
          col("run_id", StringType, "Run id"),
          col("command", StringType, "Job command: digitize, rerun, reparse or maintain"),
          col("driver", StringType, "Driver host and process id, to tell a dead run from a live one"),
          col("arguments", StringType, "Job arguments as JSON (no secrets)"),
          col("collection", StringType, "Collection given to the run"),
          col("batch_date", DateType, "Batch date of the run"),
          col("model_id", StringType, "Model id"),
          col("model_revision", StringType, "Model revision"),
          col("bundle_sha256", StringType, "sha256 of the bundle manifest"),
          col("status", StringType, "running, succeeded, failed, or interrupted (its driver died; set by the next run, which also fills its counts)"),
          col("started_at", TimestampType, "Start time"),
          col("ended_at", TimestampType, "End time"),
          col("input_files", LongType, "Files listed as input"),
          col("pages_total", LongType, "Pages found in the input"),
          col("pages_ok", LongType, "Pages processed successfully"),
          col("pages_failed", LongType, "Pages recorded as failed, with reasons in pages"),
          col("pages_skipped", LongType, "Pages skipped: every task already has an ok result for the same content, model revision and prompt, or the page is quarantined"),
          col("pages_deduplicated", LongType, "Pages not inferred because another page with identical content was"),
          col("chunks_committed", LongType, "Result chunks committed so far"),
          col("heartbeat_at", TimestampType, "Last heartbeat of the run's driver (every spark.scriptorium.run.heartbeatSeconds, whatever the run is doing)"),
          col("outputs", LongType, "Raw model outputs written"),
          col("pages_per_second", DoubleType, "Pages per second over the run's wall time"),
          col("error", StringType, "Cause of a failed run"),
          col("pages_recovered", LongType, "Pages whose outputs an interrupted run had committed before their pages rows: recorded ok without inferring them again"));

  static StructType schemaOf(String table) {
    return switch (table) {
      case PAGES -> PAGES_SCHEMA;
      case RAW_OUTPUTS -> RAW_OUTPUTS_SCHEMA;
      case SPOTS -> SPOTS_SCHEMA;
      case RUNS -> RUNS_SCHEMA;
      default -> throw new IllegalArgumentException("Unknown table: " + table);
    };
  }

  public static boolean partitioned(String table) {
    return !RUNS.equals(table);
  }

  /** A nullable column with its comment (every Scriptorium table documents each column). */
  static StructField col(String name, DataType type, String comment) {
    return new StructField(name, type, true, Metadata.empty()).withComment(comment);
  }

  static StructType schema(StructField... fields) {
    return new StructType(fields);
  }
}
