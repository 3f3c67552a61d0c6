package io.scriptorium.pipeline.parse;

import java.io.Serializable;
import java.util.List;

/**
 * One block of a parsed document, in reading order.
 *
 * <p>The text is the block's content without its Markdown syntax: a heading without its {@code #} marks, a bullet
 * item without its bullet (numbers of numbered items are kept: they are often question numbers), a table as
 * sanitised HTML, a display formula as LaTeX, a figure as its caption, fenced code without the fence. Inline
 * formulas stay in the text with their delimiters, and {@link #inlineFormulas} says where.
 *
 * @param order 0-based index in {@link ParsedDocument#blocks}
 * @param kind what the block is
 * @param headingLevel 1..6 for headings, 0 otherwise
 * @param text the content, as described above
 * @param inlineFormulas formulas inside the text, in order
 */
public record Block(int order, BlockKind kind, int headingLevel, String text, List<InlineFormula> inlineFormulas)
    implements Serializable {
  private static final long serialVersionUID = 1L;

  public Block {
    text = text == null ? "" : text;
    inlineFormulas = inlineFormulas == null ? List.of() : List.copyOf(inlineFormulas);
  }
}
