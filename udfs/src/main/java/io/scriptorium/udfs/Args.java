package io.scriptorium.udfs;

import io.scriptorium.pipeline.layout.ReadingOrder;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Lenient readers for UDF arguments as Spark hands them to Java (boxed numbers, {@link Row} for structs, Scala
 * collections for arrays and maps). Every reader returns null for a value it cannot read, so that functions stay
 * total: a malformed argument gives a null result, never a failed query.
 */
final class Args {
  private Args() {}

  /** An integral value: any number without a fraction, or a decimal string; null otherwise. */
  static Long integer(Object value) {
    if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      return Double.isFinite(d) && d == Math.rint(d) && Math.abs(d) < 9.0e15 ? (long) d : null;
    }
    if (value instanceof BigDecimal d) {
      try {
        return d.longValueExact();
      } catch (ArithmeticException e) {
        return null;
      }
    }
    if (value instanceof String s) {
      try {
        return Long.parseLong(s.trim());
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }

  /** A finite number, or a numeric string; null otherwise. */
  static Double real(Object value) {
    if (value instanceof Number n) {
      double d = n.doubleValue();
      return Double.isFinite(d) ? d : null;
    }
    if (value instanceof String s) {
      try {
        double d = Double.parseDouble(s.trim());
        return Double.isFinite(d) ? d : null;
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }

  static String string(Object value) {
    return value instanceof String s ? s : null;
  }

  /** An array argument as a Java list (elements as Spark gave them); null when it is not an array. */
  static List<Object> list(Object value) {
    if (value instanceof scala.collection.Seq<?> seq) {
      return new ArrayList<>(CollectionConverters.asJava(seq));
    }
    if (value instanceof List<?> list) {
      return Collections.unmodifiableList(list);
    }
    if (value instanceof Object[] array) {
      return Arrays.asList(array);
    }
    return null;
  }

  /** A map argument as a Java map; null when it is not a map. */
  @SuppressWarnings("unchecked")
  static Map<Object, Object> map(Object value) {
    if (value instanceof scala.collection.Map<?, ?> map) {
      return (Map<Object, Object>) (Map<?, ?>) CollectionConverters.asJava(map);
    }
    if (value instanceof Map<?, ?> map) {
      return (Map<Object, Object>) map;
    }
    return null;
  }

  /** A struct field by name (case-insensitive); null when the row has no such field or no schema. */
  static Object field(Row row, String name) {
    int i = fieldIndex(row, name);
    return i < 0 || row.isNullAt(i) ? null : row.get(i);
  }

  static boolean hasField(Row row, String name) {
    return fieldIndex(row, name) >= 0;
  }

  private static int fieldIndex(Row row, String name) {
    StructType schema = row.schema();
    if (schema == null) {
      return -1;
    }
    String[] names = schema.fieldNames();
    for (int i = 0; i < names.length; i++) {
      if (names[i].equalsIgnoreCase(name)) {
        return i;
      }
    }
    return -1;
  }

  /**
   * A box: a struct with fields {@code x1, y1, x2, y2} (any integral type), or failing that a struct of exactly four
   * integral fields in that order. Null when any corner is missing or not integral.
   */
  static ReadingOrder.Box box(Object value) {
    if (!(value instanceof Row row)) {
      return null;
    }
    Object[] corners = new Object[4];
    String[] names = {"x1", "y1", "x2", "y2"};
    if (hasField(row, "x1")) {
      for (int i = 0; i < 4; i++) {
        corners[i] = field(row, names[i]);
      }
    } else if (row.size() == 4) {
      for (int i = 0; i < 4; i++) {
        corners[i] = row.isNullAt(i) ? null : row.get(i);
      }
    } else {
      return null;
    }
    return box(corners[0], corners[1], corners[2], corners[3]);
  }

  /** A box from four integral values in the int range; null when any is missing, not integral or out of range. */
  static ReadingOrder.Box box(Object x1, Object y1, Object x2, Object y2) {
    Long a = integer(x1);
    Long b = integer(y1);
    Long c = integer(x2);
    Long d = integer(y2);
    if (!coordinate(a) || !coordinate(b) || !coordinate(c) || !coordinate(d)) {
      return null;
    }
    return new ReadingOrder.Box(a, b, c, d);
  }

  /** Coordinates stay within the int range, so areas and their sums cannot overflow a long. */
  private static boolean coordinate(Long v) {
    return v != null && v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE;
  }
}
