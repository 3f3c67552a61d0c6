package io.scriptorium.pipeline.warehouse;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Spark rows of the derivation's plain records ({@link io.scriptorium.pipeline.derive.DerivedRow}): a record's
 * components in order, a nested record as a struct, a list as an array. The schemas' column order is the records'
 * (DerivedTablesTest checks).
 */
public final class RecordRows {
  private static final ClassValue<Method[]> ACCESSORS = new ClassValue<>() {
    @Override
    protected Method[] computeValue(Class<?> type) {
      return Arrays.stream(type.getRecordComponents()).map(RecordComponent::getAccessor).toArray(Method[]::new);
    }
  };

  private RecordRows() {}

  /** The record's row, then {@code trailing} values as further columns. */
  public static Row of(Record record, Object... trailing) {
    Method[] accessors = ACCESSORS.get(record.getClass());
    Object[] values = new Object[accessors.length + trailing.length];
    for (int i = 0; i < accessors.length; i++) {
      values[i] = value(get(accessors[i], record));
    }
    System.arraycopy(trailing, 0, values, accessors.length, trailing.length);
    return RowFactory.create(values);
  }

  private static Object value(Object value) {
    if (value instanceof Record nested) {
      return of(nested);
    }
    if (value instanceof List<?> list) {
      return CollectionConverters.asScala(list.stream().map(RecordRows::value).toList()).toSeq();
    }
    return value;
  }

  private static Object get(Method accessor, Record record) {
    try {
      return accessor.invoke(record);
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException("Cannot read " + accessor + " of " + record, e);
    }
  }
}
