package io.scriptorium.pipeline.parse;

import java.io.Serializable;
import java.util.List;

/**
 * A document-parsing answer split into blocks, with its tables, formulas and figures pulled out.
 *
 * <p>There is nothing for page headers and footers: the prompt tells the model to leave them out.
 *
 * @param blocks the blocks in reading order
 * @param tables one per TABLE block, in order
 * @param formulas display formulas and the inline formulas of every block, in reading order
 * @param figures one per FIGURE block, in order
 * @param warnings every warning: the document's own, then those of its tables and formulas
 */
public record ParsedDocument(
    List<Block> blocks,
    List<Table> tables,
    List<Formula> formulas,
    List<Figure> figures,
    List<ParseWarning> warnings)
    implements Serializable {
  private static final long serialVersionUID = 1L;

  public ParsedDocument {
    blocks = blocks == null ? List.of() : List.copyOf(blocks);
    tables = tables == null ? List.of() : List.copyOf(tables);
    formulas = formulas == null ? List.of() : List.copyOf(formulas);
    figures = figures == null ? List.of() : List.copyOf(figures);
    warnings = warnings == null ? List.of() : List.copyOf(warnings);
  }
}
