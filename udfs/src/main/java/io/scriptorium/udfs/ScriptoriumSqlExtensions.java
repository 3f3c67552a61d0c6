package io.scriptorium.udfs;

import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.SparkSessionExtensions;
import scala.Tuple3;
import scala.runtime.AbstractFunction1;
import scala.runtime.BoxedUnit;

/**
 * Session extension that injects every {@link ScriptoriumFunctions} function into each new session. Name it after
 * Delta's extension, comma-separated:
 *
 * <pre>
 * spark.sql.extensions=io.delta.sql.DeltaSparkSessionExtension,io.scriptorium.udfs.ScriptoriumSqlExtensions
 * </pre>
 *
 * <p>{@code hunyuan_ocr} reads {@code spark.scriptorium.*} from the active session when a query is analysed.
 */
public final class ScriptoriumSqlExtensions extends AbstractFunction1<SparkSessionExtensions, BoxedUnit> {
  @Override
  public BoxedUnit apply(SparkSessionExtensions extensions) {
    for (SqlFunction f : ScriptoriumFunctions.all(SparkSession::active)) {
      extensions.injectFunction(new Tuple3<>(f.identifier(), f.info(), f.builder()));
    }
    return BoxedUnit.UNIT;
  }
}
