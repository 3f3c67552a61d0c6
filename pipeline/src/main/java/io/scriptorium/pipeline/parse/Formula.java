package io.scriptorium.pipeline.parse;

import java.io.Serializable;
import java.util.List;

/**
 * A LaTeX formula, without its math delimiters.
 *
 * @param blockOrder the {@link Block#order} of the block holding it; 0 for a formula parsed on its own
 * @param position 0-based index among the formulas of that block (a display formula block has just position 0)
 * @param display true for {@code $$..$$}, {@code \[..\]}, environments and undelimited formula answers; false for
 *     {@code $..$} and {@code \(..\)}
 * @param latex the LaTeX, trimmed, with delimiters and the equation number removed
 * @param equationNumber the number from {@code \tag{..}}, a trailing {@code \quad (n)}, or a {@code (n)} line right
 *     after a display formula; null when none
 * @param balanced whether braces, environments and {@code \left}/{@code \right} pair up
 * @param warnings what was odd about it
 */
public record Formula(
    int blockOrder,
    int position,
    boolean display,
    String latex,
    String equationNumber,
    boolean balanced,
    List<ParseWarning> warnings)
    implements Serializable {
  private static final long serialVersionUID = 1L;

  public Formula {
    latex = latex == null ? "" : latex;
    warnings = warnings == null ? List.of() : List.copyOf(warnings);
  }

  Formula withEquationNumber(String number) {
    return new Formula(blockOrder, position, display, latex, number, balanced, warnings);
  }
}
