package io.scriptorium.pipeline.parse;

import java.io.Serializable;

/**
 * A parsed chart answer: the prompt asks for Mermaid for flowcharts and Markdown for other charts.
 *
 * @param kind {@link #MERMAID}, {@link #MARKDOWN_TABLE} or {@link #TEXT}
 * @param body the chart source without code fences, trimmed
 */
public record Chart(String kind, String body) implements Serializable {
  public static final String MERMAID = "mermaid";
  public static final String MARKDOWN_TABLE = "markdown_table";
  public static final String TEXT = "text";

  private static final long serialVersionUID = 1L;

  public Chart {
    kind = kind == null ? TEXT : kind;
    body = body == null ? "" : body;
  }
}
