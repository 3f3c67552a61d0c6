package io.scriptorium.pipeline.parse;

import java.io.Serializable;

/**
 * One key of an information-extraction answer.
 *
 * @param key the JSON key as the model wrote it
 * @param value a string value as is; numbers and booleans as their literal; objects and arrays as compact JSON;
 *     null for JSON {@code null}
 */
public record Field(String key, String value) implements Serializable {
  private static final long serialVersionUID = 1L;

  public Field {
    key = key == null ? "" : key;
  }
}
