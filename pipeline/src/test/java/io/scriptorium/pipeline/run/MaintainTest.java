package io.scriptorium.pipeline.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.delta.tables.DeltaTable;
import io.scriptorium.model.Task;
import io.scriptorium.model.TaskSpec;
import io.scriptorium.pipeline.DigitizeOptions;
import io.scriptorium.pipeline.MaintainOptions;
import io.scriptorium.pipeline.MaintainSummary;
import io.scriptorium.pipeline.RunSummary;
import io.scriptorium.pipeline.Scriptorium;
import io.scriptorium.pipeline.SparkTestSession;
import io.scriptorium.pipeline.TestPages;
import io.scriptorium.pipeline.vocab.RunState;
import io.scriptorium.pipeline.warehouse.Tables;
import io.scriptorium.testing.SparkTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;

/**
 * {@code maintain} on a real warehouse made by several small digitize runs (tiny model, real Spark and Delta): the
 * tables end with fewer files, every query returns the same rows, VACUUM deletes the replaced files, and the run is in
 * {@code runs}; a predicate Delta cannot apply to partitions and a short retention are refused before anything runs.
 */
@SparkTest
class MaintainTest {
  private static final List<TaskSpec> TASKS = List.of(TaskSpec.of(Task.SPOTTING), TaskSpec.of(Task.PARSE));
  private static final LocalDate FIRST_NIGHT = LocalDate.of(2026, 12, 1);
  /** What users read: the result tables, the parsed tables and the views (not runs, which maintain adds to). */
  private static final List<String> QUERIES = List.of(
      "SELECT * FROM scriptorium.pages",
      "SELECT * FROM scriptorium.raw_outputs",
      "SELECT * FROM scriptorium.spots",
      "SELECT * FROM scriptorium.blocks",
      "SELECT * FROM scriptorium.parse_warnings",
      "SELECT * FROM scriptorium.current_outputs",
      "SELECT * FROM scriptorium.current_spots",
      "SELECT * FROM scriptorium.page_text",
      "SELECT * FROM scriptorium.failures",
      "SELECT * FROM scriptorium.run_summary WHERE command <> 'maintain'",
      "SELECT collection, batch_date, count(*), sum(output_tokens) FROM scriptorium.raw_outputs GROUP BY 1, 2");

  private final SparkSession spark = SparkTestSession.get();

  @Test
  void maintainCompactsTheTablesAndEveryQueryReturnsTheSameRows() throws Exception {
    String warehouse = SparkTestSession.newDirectory("warehouse-maintain-").toUri().toString();
    Path root = Path.of(java.net.URI.create(warehouse));
    for (int run = 0; run < 6; run++) { // six nightly runs of two pages, two runs per batch date
      Path input = SparkTestSession.newDirectory("maintain-input-" + run + "-");
      TestPages.write(input, "page-a.png", "night " + run + " first page");
      TestPages.write(input, "page-b.png", "night " + run + " second page");
      RunSummary summary = Scriptorium.get(spark).digitize(new DigitizeOptions(List.of(input.toUri().toString()), null,
          null, warehouse, "maintain", FIRST_NIGHT.plusDays(run / 2), TASKS, null));
      assertThat(summary.pagesOk()).isEqualTo(2);
    }
    Map<String, List<String>> rows = results(warehouse);
    Map<String, Long> files = files(warehouse);
    assertThat(rows.get(QUERIES.get(0))).hasSize(12);
    assertThat(files.get(Tables.PAGES)).as("a file per run at least").isGreaterThanOrEqualTo(6);

    // 1. --where: only the first night's partitions are compacted (no VACUUM yet)
    Map<Object, Long> pagesByNight = filesByBatchDate(warehouse, Tables.PAGES);
    MaintainSummary firstNight = Scriptorium.get(spark).maintain(new MaintainOptions(warehouse,
        "batch_date = '" + FIRST_NIGHT + "'", false, false, null, false));
    Map<Object, Long> pagesByNightAfter = filesByBatchDate(warehouse, Tables.PAGES);
    assertThat(pagesByNightAfter.get(java.sql.Date.valueOf(FIRST_NIGHT))).isEqualTo(1);
    pagesByNight.remove(java.sql.Date.valueOf(FIRST_NIGHT));
    pagesByNightAfter.remove(java.sql.Date.valueOf(FIRST_NIGHT));
    assertThat(pagesByNightAfter).as("other nights untouched").isEqualTo(pagesByNight);
    assertThat(firstNight.tables()).allMatch(t -> t.filesVacuumed() == -1);
    assertThat(results(warehouse)).isEqualTo(rows);

    // 2. everything, VACUUM at 0 hours (allowed: nothing else uses this warehouse)
    long onDiskBefore = dataFilesOnDisk(root.resolve(Tables.PAGES));
    MaintainSummary all = Scriptorium.get(spark).maintain(new MaintainOptions(warehouse, null, false, true, 0, true));
    Map<String, Long> filesAfter = files(warehouse);
    assertThat(all.tables()).extracting(MaintainSummary.Table::name).containsExactlyElementsOf(MaintainJob.tables());
    for (MaintainSummary.Table table : all.tables()) {
      assertThat(table.filesAfter()).as(table.name()).isEqualTo(filesAfter.get(table.name()));
      assertThat(table.filesAfter()).as(table.name()).isLessThanOrEqualTo(table.filesBefore());
      assertThat(table.filesVacuumed()).as(table.name()).isGreaterThanOrEqualTo(0);
    }
    for (String table : List.of(Tables.PAGES, Tables.RAW_OUTPUTS, Tables.SPOTS, Tables.RUNS)) {
      assertThat(filesAfter.get(table)).as(table + ": fewer files").isLessThan(files.get(table));
    }
    assertThat(filesAfter.get(Tables.PAGES)).as("one file per partition").isEqualTo(3);
    assertThat(results(warehouse)).as("same rows").isEqualTo(rows);
    assertThat(dataFilesOnDisk(root.resolve(Tables.PAGES))).as("VACUUM deleted the replaced files")
        .isEqualTo(filesAfter.get(Tables.PAGES)).isLessThan(onDiskBefore);

    // 3. Z-order (the rows stay the same) and the runs recorded
    MaintainSummary zordered = Scriptorium.get(spark).maintain(new MaintainOptions(warehouse,
        "batch_date >= '" + FIRST_NIGHT.plusDays(2) + "'", true, false, null, false));
    assertThat(zordered.tables()).filteredOn(t -> t.name().equals(Tables.PAGES))
        .extracting(MaintainSummary.Table::zorderedBy).containsExactly("source_uri");
    assertThat(results(warehouse)).isEqualTo(rows);

    List<Row> runs = Scriptorium.get(spark).sql(warehouse, "SELECT run_id, status, arguments, ended_at FROM"
        + " scriptorium.runs WHERE command = 'maintain' ORDER BY started_at").collectAsList();
    assertThat(runs).extracting(r -> r.getString(0))
        .containsExactly(firstNight.runId(), all.runId(), zordered.runId());
    assertThat(runs).allMatch(r -> RunState.SUCCEEDED.wireName().equals(r.getString(1)) && !r.isNullAt(3));
    assertThat(runs.get(1).getString(2)).contains("\"vacuum_hours\":0", "\"allow_short_retention\":true");
    assertThat(runs.get(0).getString(2)).contains("batch_date = '" + FIRST_NIGHT + "'");
  }

  @Test
  void aPredicateOnOtherColumnsIsAUsageErrorAndNothingRuns() {
    String warehouse = SparkTestSession.newDirectory("warehouse-maintain-where-").toUri().toString();
    for (String where : List.of("page_id = 'x'", "status = 'ok' AND batch_date = '2026-12-01'")) {
      assertThatThrownBy(() -> Scriptorium.get(spark).maintain(new MaintainOptions(warehouse, where, false, true,
          null, false)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("--where '" + where + "' is not a predicate on the partition columns collection and"
              + " batch_date, the only ones OPTIMIZE ... WHERE accepts")
          .hasMessageNotContaining("\n");
    }
    assertThatThrownBy(() -> Scriptorium.get(spark).maintain(new MaintainOptions(warehouse,
        "batch_date = (SELECT max(batch_date) FROM scriptorium.pages)", false, true, null, false)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("has a subquery");
    assertThatThrownBy(() -> Scriptorium.get(spark).maintain(new MaintainOptions(warehouse, "batch_date =", false,
        true, null, false)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("\n");
    assertThat(Scriptorium.get(spark).sql(warehouse, "SELECT * FROM scriptorium.runs").count())
        .as("refused before the run started").isZero();

    MaintainSummary run = Scriptorium.get(spark).maintain(new MaintainOptions(warehouse,
        "collection = 'a' AND batch_date >= '2026-12-01'", false, true, null, false));
    assertThat(run.tables()).filteredOn(t -> !t.name().equals(Tables.RUNS)).allMatch(t -> t.filesAfter() == 0);
  }

  @Test
  void aRetentionBelowDeltasSafeOneNeedsTheExplicitFlag() {
    assertThatThrownBy(() -> new MaintainOptions("file:/w", null, false, true, 24, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--vacuum-hours 24 is below Delta's safe retention of 168 hours")
        .hasMessageContaining("--allow-short-retention");
    assertThatThrownBy(() -> new MaintainOptions("file:/w", null, false, true, 167, false))
        .hasMessageContaining("below Delta's safe retention");
    assertThat(new MaintainOptions("file:/w", null, false, true, 168, false).vacuumHours()).isEqualTo(168);
    assertThat(new MaintainOptions("file:/w", null, false, true, 1, true).allowShortRetention()).isTrue();
    assertThatThrownBy(() -> new MaintainOptions("file:/w", null, false, true, -1, true))
        .hasMessageContaining("must be 0 or more");
    assertThatThrownBy(() -> new MaintainOptions("file:/w", null, false, false, 200, false))
        .hasMessageContaining("--no-vacuum");
    assertThatThrownBy(() -> new MaintainOptions("file:/w", null, false, true, null, true))
        .hasMessageContaining("--allow-short-retention goes with a --vacuum-hours below 168");
  }

  /** Each query's rows, as sorted strings (row order is not part of a query's answer). */
  private Map<String, List<String>> results(String warehouse) {
    Map<String, List<String>> results = new LinkedHashMap<>();
    for (String query : QUERIES) {
      results.put(query, Scriptorium.get(spark).sql(warehouse, query).collectAsList().stream().map(Row::toString)
          .sorted().toList());
    }
    return results;
  }

  /** Data files in each table's current version. */
  private Map<String, Long> files(String warehouse) {
    Map<String, Long> files = new TreeMap<>();
    for (String table : MaintainJob.tables()) {
      files.put(table, DeltaTable.forPath(spark, warehouse + "/" + table).detail().first().<Long>getAs("numFiles"));
    }
    return files;
  }

  private Map<Object, Long> filesByBatchDate(String warehouse, String table) {
    Map<Object, Long> files = new TreeMap<>();
    for (Row row : spark.read().format("delta").load(warehouse + "/" + table)
        .select(functions.col("batch_date"), functions.input_file_name().as("file")).distinct()
        .groupBy("batch_date").count().collectAsList()) {
      files.put(row.get(0), row.getLong(1));
    }
    return files;
  }

  private static long dataFilesOnDisk(Path table) throws IOException {
    try (Stream<Path> walk = Files.walk(table)) {
      return walk.filter(p -> p.toString().endsWith(".parquet") && !p.toString().contains("_delta_log")).count();
    }
  }
}
