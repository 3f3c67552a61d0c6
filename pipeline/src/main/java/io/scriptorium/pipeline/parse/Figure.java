package io.scriptorium.pipeline.parse;

import java.io.Serializable;

/**
 * A figure the model marked in a document.
 *
 * @param blockOrder the {@link Block#order} of its FIGURE block
 * @param caption the caption, trimmed; null for an uncaptioned figure
 * @param box its box on the 0..1000 grid; null when the output gave none (a Markdown image, or a cut-off tag)
 */
public record Figure(int blockOrder, String caption, Box box) implements Serializable {
  private static final long serialVersionUID = 1L;
}
