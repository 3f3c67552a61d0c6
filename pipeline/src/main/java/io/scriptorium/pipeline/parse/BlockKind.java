package io.scriptorium.pipeline.parse;

/** What a {@link Block} of a parsed document is. */
public enum BlockKind {
  /** An ATX heading ({@code #} to {@code ######}). */
  HEADING,
  /** Running text: consecutive non-blank lines. */
  PARAGRAPH,
  /** A bullet ({@code -}, {@code *}, {@code +}) or numbered ({@code 1.}, {@code 1)}) item. */
  LIST_ITEM,
  /** An HTML table; the block text is the sanitised HTML. */
  TABLE,
  /** A display formula; the block text is its LaTeX. */
  DISPLAY_FORMULA,
  /** A figure; the block text is its caption. */
  FIGURE,
  /** A chart: a Mermaid fence or a Markdown pipe table (real tables come as HTML). */
  CHART,
  /** Any other fenced code. */
  CODE
}
