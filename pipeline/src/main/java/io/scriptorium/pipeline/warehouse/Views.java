package io.scriptorium.pipeline.warehouse;

import io.scriptorium.pipeline.vocab.PageStatus;
import io.scriptorium.pipeline.vocab.WireValue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;

/**
 * The warehouse's convenience views, in plain SQL so that they work in any session (no Scriptorium functions
 * needed): {@code page_text}, {@code failures} and {@code run_summary}.
 *
 * <p>{@link #create} runs after the tables and the {@code current_outputs}/{@code current_spots} views exist. Columns
 * that older warehouses lack (a run's skipped pages, a page's attempts) read as NULL there.
 */
final class Views {
  static final String PAGE_TEXT = "page_text";
  static final String FAILURES = "failures";
  static final String RUN_SUMMARY = "run_summary";
  static final List<String> ALL = List.of(PAGE_TEXT, FAILURES, RUN_SUMMARY);

  private Views() {}

  /** Creates or replaces every view; idempotent. */
  static void create(SparkSession spark) {
    Set<String> pageColumns = columns(spark, Tables.PAGES);
    Set<String> runColumns = columns(spark, Tables.RUNS);
    spark.sql(pageText());
    spark.sql(failures(pageColumns));
    spark.sql(runSummary(runColumns));
  }

  /**
   * One row per page with current spots: its lines joined in reading order, by the rule of
   * {@link io.scriptorium.pipeline.layout.ReadingOrder} (same sort keys, same row test, same separators).
   */
  static String pageText() {
    String line = "struct<r:int,x1:bigint,n:int,t:string>";
    return view(PAGE_TEXT, "Each page's recognised lines joined in reading order (rows top to bottom, left to right "
            + "within a row; lines without a box last), from scriptorium.current_spots",
        List.of(
            column("p.page_id", "page_id", "Page id (see pages)"),
            column("p.source_uri", "source_uri", "URI of the file the page came from"),
            column("p.page_no", "page_no", "1-based page number within the file"),
            column("p.collection", "collection", "Collection of the page's newest pages row"),
            column("p.batch_date", "batch_date", "Batch date of the page's newest pages row"),
            column("size(s.boxed) + size(s.unboxed)", "lines", "Number of recognised lines"),
            column("CASE WHEN size(s.unboxed) = 0 THEN s.boxed_text WHEN size(s.boxed) = 0 THEN s.unboxed_text "
                + "ELSE concat(s.boxed_text, '\\n', s.unboxed_text) END", "text",
                "The lines in reading order: a space between the lines of a row, a newline between rows")),
        "FROM (\n"
            + "  SELECT page_id, boxed, unboxed,\n"
            + "    aggregate(array_sort(aggregate(array_sort(boxed),\n"
            + "        named_struct('row', -1, 'bottom', CAST(0 AS BIGINT), 'out', CAST(array() AS array<" + line + ">)),\n"
            + "        (acc, b) -> CASE WHEN acc.row < 0 OR b.c > 2 * acc.bottom\n"
            + "          THEN named_struct('row', acc.row + 1, 'bottom', b.y2,\n"
            + "            'out', array_append(acc.out, named_struct('r', acc.row + 1, 'x1', b.x1, 'n', b.n, 't', b.t)))\n"
            + "          ELSE named_struct('row', acc.row, 'bottom', acc.bottom,\n"
            + "            'out', array_append(acc.out, named_struct('r', acc.row, 'x1', b.x1, 'n', b.n, 't', b.t))) END,\n"
            + "        acc -> acc.out)),\n"
            + "      named_struct('r', -1, 's', ''),\n"
            + "      (acc, l) -> named_struct('r', l.r, 's', CASE WHEN acc.r < 0 THEN l.t\n"
            + "        WHEN acc.r = l.r THEN concat(acc.s, ' ', l.t) ELSE concat(acc.s, '\\n', l.t) END),\n"
            + "      acc -> acc.s) AS boxed_text,\n"
            + "    array_join(transform(array_sort(unboxed), u -> u.t), '\\n') AS unboxed_text\n"
            + "  FROM (\n"
            + "    SELECT page_id,\n"
            + "      collect_set(named_struct('c', CAST(y1 AS BIGINT) + CAST(y2 AS BIGINT), 'x1', CAST(least(x1, x2) AS BIGINT),\n"
            + "          'n', line_no, 'y2', CAST(greatest(y1, y2) AS BIGINT), 't', coalesce(text, '')))\n"
            + "        FILTER (WHERE x1 IS NOT NULL AND y1 IS NOT NULL AND x2 IS NOT NULL AND y2 IS NOT NULL) AS boxed,\n"
            + "      collect_set(named_struct('n', line_no, 't', coalesce(text, '')))\n"
            + "        FILTER (WHERE x1 IS NULL OR y1 IS NULL OR x2 IS NULL OR y2 IS NULL) AS unboxed\n"
            + "    FROM " + Tables.NAMESPACE + ".current_spots\n"
            + "    GROUP BY page_id)) s\n"
            + "JOIN (\n"
            + "  SELECT page_id, max_by(source_uri, processed_at) AS source_uri, max_by(page_no, processed_at) AS page_no,\n"
            + "    max_by(collection, processed_at) AS collection, max_by(batch_date, processed_at) AS batch_date\n"
            + "  FROM " + Tables.NAMESPACE + "." + Tables.PAGES + " GROUP BY page_id) p\n"
            + "ON p.page_id = s.page_id");
  }

  /** Pages whose newest row (by processed_at) is failed or quarantined: what is still broken, with the reason. */
  static String failures(Set<String> pageColumns) {
    return view(FAILURES, "Pages whose newest state is failed or quarantined, with the reason",
        List.of(
            column("page_id", "page_id", "Page id (see pages)"),
            column("source_uri", "source_uri", "URI of the file the page came from"),
            column("page_no", "page_no", "1-based page number within the file"),
            column("format", "format", "Detected content format"),
            column("status", "status", "failed, or quarantined after too many failed attempts"),
            column("coalesce(error_class, 'unknown')", "error_class", "Stable failure class, e.g. corrupt_image"),
            column("error_message", "error_message", "Human-readable reason naming the file"),
            column(optional(pageColumns, "attempts", "INT", ""), "attempts",
                "Failed attempts so far (NULL in warehouses without the column)"),
            column("run_id", "run_id", "Run that recorded the failure"),
            column("processed_at", "processed_at", "When the page was last tried"),
            column("collection", "collection", "Collection of the page"),
            column("batch_date", "batch_date", "Batch date of the page")),
        "FROM (\n"
            + "  SELECT *, row_number() OVER (PARTITION BY page_id ORDER BY processed_at DESC, run_id DESC) AS newest\n"
            + "  FROM " + Tables.NAMESPACE + "." + Tables.PAGES + ")\n"
            + "WHERE newest = 1 AND status IN (" + WireValue.sqlList(PageStatus.FAILED, PageStatus.QUARANTINED) + ")");
  }

  /** One row per run: the run's own counts, its duration and throughput, and what its outputs looked like. */
  static String runSummary(Set<String> runColumns) {
    String end = runColumns.contains("heartbeat_at") ? "coalesce(r.ended_at, r.heartbeat_at)" : "r.ended_at";
    String seconds = "CAST(unix_micros(" + end + ") - unix_micros(r.started_at) AS DOUBLE) / 1e6";
    return view(RUN_SUMMARY, "One row per run: counts, duration, throughput, failures by class and output quality",
        List.of(
            column("r.run_id", "run_id", "Run id"),
            column("r.command", "command", "Job command"),
            column("r.status", "status", "running, succeeded, failed or interrupted"),
            column("r.collection", "collection", "Collection given to the run"),
            column("r.batch_date", "batch_date", "Batch date of the run"),
            column("r.model_revision", "model_revision", "Model revision"),
            column("r.started_at", "started_at", "Start time"),
            column("r.ended_at", "ended_at", "End time (NULL while running)"),
            column(seconds, "duration_s", "Wall time in seconds up to the end (or the last heartbeat)"),
            column("r.input_files", "input_files", "Files listed as input"),
            column("r.pages_total", "pages_total", "Pages found in the input"),
            column("r.pages_ok", "pages_ok", "Pages processed successfully"),
            column("r.pages_failed", "pages_failed", "Pages recorded as failed or quarantined"),
            column(optional(runColumns, "pages_skipped", "BIGINT", "r."), "pages_skipped",
                "Pages with nothing to do (NULL in warehouses without the column)"),
            column(optional(runColumns, "pages_deduplicated", "BIGINT", "r."), "pages_deduplicated",
                "Pages that shared the inference of an identical page (NULL in warehouses without the column)"),
            column("r.pages_per_second", "pages_per_second", "Pages per second of wall time, as the run reported"),
            column("coalesce(o.outputs, 0)", "outputs", "Model outputs now attributed to the run"),
            column("coalesce(o.output_tokens, 0)", "output_tokens", "Tokens generated in those outputs"),
            column("o.output_tokens / nullif(" + seconds + ", 0)", "tokens_per_second",
                "Generated tokens per second of wall time"),
            column("coalesce(o.length_hits, 0)", "length_hits",
                "Outputs cut by the max-token cap (finish_reason = 'length')"),
            column("coalesce(o.repetitions, 0)", "repetitions",
                "Outputs stopped by the loop detector (finish_reason = 'repetition')"),
            column("coalesce(o.empty_outputs, 0)", "empty_outputs", "Outputs that are empty or only whitespace"),
            column("coalesce(f.failures_by_class, map())", "failures_by_class",
                "Failed and quarantined pages the run recorded, by error_class"),
            column("r.error", "error", "Cause of a failed run")),
        "FROM " + Tables.NAMESPACE + "." + Tables.RUNS + " r\n"
            + "LEFT JOIN (\n"
            + "  SELECT run_id, count(*) AS outputs, sum(output_tokens) AS output_tokens,\n"
            + "    count_if(finish_reason = 'length') AS length_hits, count_if(finish_reason = 'repetition') AS repetitions,\n"
            + "    count_if(trim(coalesce(text, '')) = '') AS empty_outputs\n"
            + "  FROM " + Tables.NAMESPACE + "." + Tables.RAW_OUTPUTS + " GROUP BY run_id) o ON o.run_id = r.run_id\n"
            + "LEFT JOIN (\n"
            + "  SELECT run_id, map_from_entries(collect_list(struct(error_class, pages))) AS failures_by_class\n"
            + "  FROM (SELECT run_id, coalesce(error_class, 'unknown') AS error_class, count(*) AS pages\n"
            + "    FROM " + Tables.NAMESPACE + "." + Tables.PAGES + " WHERE status <> " + PageStatus.OK.sqlLiteral()
            + " GROUP BY 1, 2)\n"
            + "  GROUP BY run_id) f ON f.run_id = r.run_id");
  }

  private record Column(String expression, String name, String comment) {}

  private static Column column(String expression, String name, String comment) {
    return new Column(expression, name, comment);
  }

  private static String optional(Set<String> columns, String name, String type, String prefix) {
    return columns.contains(name) ? prefix + name : "CAST(NULL AS " + type + ")";
  }

  private static String view(String name, String comment, List<Column> columns, String from) {
    List<String> names = new ArrayList<>();
    List<String> selects = new ArrayList<>();
    for (Column c : columns) {
      names.add("  " + c.name() + " COMMENT '" + quote(c.comment()) + "'");
      selects.add("  " + c.expression() + " AS " + c.name());
    }
    return "CREATE OR REPLACE VIEW " + Tables.NAMESPACE + "." + name + " (\n" + String.join(",\n", names) + ")\n"
        + "COMMENT '" + quote(comment) + "'\nAS SELECT\n" + String.join(",\n", selects) + "\n" + from;
  }

  private static Set<String> columns(SparkSession spark, String table) {
    return Arrays.stream(spark.table(Tables.NAMESPACE + "." + table).columns()).collect(Collectors.toSet());
  }

  private static String quote(String text) {
    return text.replace("\\", "\\\\").replace("'", "\\'");
  }
}
