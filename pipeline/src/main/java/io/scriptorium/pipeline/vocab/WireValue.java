package io.scriptorium.pipeline.vocab;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A value stored in a table column as its wire name: the constant's name in lower case ({@code QUARANTINED} is
 * {@code quarantined}). The enums of this package implement it; code compares and writes through them, never through
 * string literals.
 */
public interface WireValue {
  /** The constant's name, as {@link Enum#name()} gives it. */
  String name();

  /** The value as stored: lower_snake_case. */
  default String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The wire name quoted for SQL text: {@code 'quarantined'}. */
  default String sqlLiteral() {
    return "'" + wireName() + "'";
  }

  /** The wire names of {@code values} quoted for an SQL {@code IN} list: {@code 'failed', 'quarantined'}. */
  static String sqlList(WireValue... values) {
    return Arrays.stream(values).map(WireValue::sqlLiteral).collect(Collectors.joining(", "));
  }

  /**
   * The constant of {@code type} whose wire name is {@code wire}.
   *
   * @param what what the values are, for the message: {@code "error class"}
   * @throws IllegalArgumentException naming the valid values, when {@code wire} is none of them (or null)
   */
  static <E extends Enum<E> & WireValue> E fromWire(Class<E> type, String what, String wire) {
    for (E value : type.getEnumConstants()) {
      if (value.wireName().equals(wire)) {
        return value;
      }
    }
    String valid = Arrays.stream(type.getEnumConstants()).map(WireValue::wireName).collect(Collectors.joining(", "));
    throw new IllegalArgumentException(
        "Unknown " + what + " " + (wire == null ? "null" : "'" + wire + "'") + "; valid values: " + valid);
  }
}
