package io.scriptorium.pipeline.parse;

import java.io.Serializable;

/**
 * Where a formula sits inside a block's text.
 *
 * @param start offset of the opening delimiter in {@link Block#text}
 * @param end offset just past the closing delimiter, so {@code text.substring(start, end)} is the delimited formula
 * @param latex the LaTeX between the delimiters, trimmed
 */
public record InlineFormula(int start, int end, String latex) implements Serializable {
  private static final long serialVersionUID = 1L;

  public InlineFormula {
    latex = latex == null ? "" : latex;
  }
}
