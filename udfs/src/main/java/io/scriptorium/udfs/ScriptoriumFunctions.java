package io.scriptorium.udfs;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.analysis.FunctionRegistry;

/**
 * Scriptorium's Spark SQL functions: box geometry, reading-order text, tables, formulas, text metrics and the model
 * itself. Each has a usage text that {@code DESCRIBE FUNCTION [EXTENDED] name} shows.
 *
 * <p>Two ways to get them: in every session of an application, with
 * {@code spark.sql.extensions=io.delta.sql.DeltaSparkSessionExtension,io.scriptorium.udfs.ScriptoriumSqlExtensions}
 * (see {@link ScriptoriumSqlExtensions}); or in a session you already hold:
 *
 * <pre>{@code
 * ScriptoriumFunctions.register(spark);
 * spark.sql("SELECT ocr_ned('kitten', 'sitting')").show();
 * }</pre>
 */
public final class ScriptoriumFunctions {
  private ScriptoriumFunctions() {}

  /** Registers every function in this session, replacing same-named functions there; idempotent. */
  public static void register(SparkSession spark) {
    FunctionRegistry registry = ((org.apache.spark.sql.classic.SparkSession) spark).sessionState().functionRegistry();
    for (SqlFunction f : all(() -> spark)) {
      registry.registerFunction(f.identifier(), f.info(), f.builder());
    }
  }

  /** The names of every function, sorted. */
  public static List<String> names() {
    List<String> names = new ArrayList<>();
    for (SqlFunction f : all(SparkSession::active)) {
      names.add(f.name());
    }
    Collections.sort(names);
    return names;
  }

  /**
   * Every function. {@code session} gives the session whose {@code spark.scriptorium.*} settings a query uses; it is
   * called on the driver while the query is analysed.
   */
  static List<SqlFunction> all(Supplier<SparkSession> session) {
    List<SqlFunction> all = new ArrayList<>();
    all.addAll(BoxFunctions.functions());
    all.addAll(TextFunctions.functions());
    all.addAll(DocumentFunctions.functions());
    all.addAll(MetricFunctions.functions());
    all.add(HunyuanOcrFunction.function(session));
    return all;
  }
}
