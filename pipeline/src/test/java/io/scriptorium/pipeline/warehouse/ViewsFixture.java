package io.scriptorium.pipeline.warehouse;

import org.apache.spark.sql.SparkSession;

/**
 * Makes sure an opened warehouse has its views, for tests in other modules: the {@code page_text},
 * {@code failures} and {@code run_summary} views of {@link Views}, and, where the warehouse code does not create
 * them yet, minimal stand-ins for {@code current_outputs} and {@code current_spots} (newest output per page and
 * task; spots of the page's newest run), which those views and the report read.
 */
public final class ViewsFixture {
  private ViewsFixture() {}

  /** Call after {@code Scriptorium.get(spark).open(warehouse)}. */
  public static void ensure(SparkSession spark) {
    String ns = Tables.NAMESPACE;
    if (!spark.catalog().tableExists(ns + ".current_outputs")) {
      spark.sql("CREATE OR REPLACE VIEW " + ns + ".current_outputs AS"
          + " SELECT p.page_id, p.source_uri, p.page_no, p.format, p.status, p.width, p.height, p.content_sha256,"
          + " p.collection, p.batch_date, o.task, o.text, o.finish_reason, o.output_tokens, o.model_id,"
          + " o.model_revision, o.prompt_sha256, o.run_id, o.created_at"
          + " FROM (SELECT *, row_number() OVER (PARTITION BY page_id ORDER BY processed_at DESC) AS n"
          + "   FROM " + ns + ".pages) p"
          + " JOIN (SELECT *, row_number() OVER (PARTITION BY page_id, task ORDER BY created_at DESC) AS n"
          + "   FROM " + ns + ".raw_outputs) o ON o.page_id = p.page_id AND o.n = 1"
          + " WHERE p.n = 1");
    }
    if (!spark.catalog().tableExists(ns + ".current_spots")) {
      spark.sql("CREATE OR REPLACE VIEW " + ns + ".current_spots AS"
          + " SELECT p.source_uri, p.page_no, s.*"
          + " FROM " + ns + ".spots s"
          + " JOIN (SELECT page_id, max_by(source_uri, processed_at) AS source_uri, max_by(page_no, processed_at) AS page_no,"
          + "   max_by(run_id, processed_at) AS run_id FROM " + ns + ".pages GROUP BY page_id) p"
          + " ON s.page_id = p.page_id AND s.run_id = p.run_id");
    }
    Views.create(spark);
  }
}
