package io.scriptorium.pipeline.parse;

import java.io.Serializable;

/**
 * Something a parser noticed and worked around. Parsers never throw; they record a warning and carry on.
 *
 * <p>{@code code} is one of the constants below and is stable across parser versions (tables and dashboards count
 * by it); {@code message} is for people and may change.
 *
 * @param code a stable machine-readable code, one of the constants of this class
 * @param message what was found and what the parser did about it
 */
public record ParseWarning(String code, String message) implements Serializable {
  /** The input was null, empty or blank. */
  public static final String EMPTY_OUTPUT = "empty_output";
  /**
   * A looping tail was cut to one copy of its unit by the official rule ({@link OutputParsers#trimRepetition}: at
   * least 8000 chars and 10 back-to-back copies).
   */
  public static final String REPETITION_TRIMMED = "repetition_trimmed";
  /**
   * The output (after the official trim) ends in a loop that the official rule does not cut, such as a shorter
   * output or fewer copies; the text was left as is. The message gives the unit length and the copies.
   */
  public static final String REPETITION_SUSPECTED = "repetition_suspected";
  /** The output ends inside a structure (an unclosed table, formula, fence or JSON value, a text without box). */
  public static final String TRUNCATED = "truncated";
  /** Braces, {@code \begin..\end} environments, {@code \left..\right} or math delimiters do not pair up. */
  public static final String UNBALANCED_LATEX = "unbalanced_latex";
  /** Box coordinates that could not be read, or corners given in the wrong order. */
  public static final String MALFORMED_BOX = "malformed_box";
  /** Box coordinates outside the model's 0..1000 grid, clamped into it. */
  public static final String BOX_CLAMPED = "box_clamped";
  /** A text or figure caption without a box. */
  public static final String MISSING_BOX = "missing_box";
  /** Table HTML lost tags or attributes that are not table markup, or span values that were not sane. */
  public static final String HTML_SANITISED = "html_sanitised";
  /** A rowspan reaching past the last row was cut to fit, or a cell past the column limit was dropped. */
  public static final String SPAN_CLIPPED = "span_clipped";
  /** A table was expected and none was found. */
  public static final String NO_TABLE = "no_table";
  /** No JSON object could be read. */
  public static final String JSON_INVALID = "json_invalid";
  /** Text around the expected structure (commentary before or after a table or JSON object) was ignored. */
  public static final String EXTRA_TEXT = "extra_text";
  /** Unknown special tokens such as {@code <pos_16>} were removed. */
  public static final String UNKNOWN_MARKUP = "unknown_markup";
  /**
   * A known tag lacked its partner (a {@code <ref>} without {@code </ref>}, a {@code <pFig>} without
   * {@code </pFig>}), or a table was not closed before a blank line.
   */
  public static final String MALFORMED_MARKUP = "malformed_markup";
  /** More warnings than a parser keeps; the rest were counted, not recorded. */
  public static final String TOO_MANY_WARNINGS = "too_many_warnings";

  private static final long serialVersionUID = 1L;

  public ParseWarning {
    code = code == null ? "" : code;
    message = message == null ? "" : message;
  }
}
