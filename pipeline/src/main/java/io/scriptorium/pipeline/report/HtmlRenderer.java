package io.scriptorium.pipeline.report;

import static io.scriptorium.pipeline.report.Html.escape;

import io.scriptorium.pipeline.layout.ReadingOrder;
import io.scriptorium.pipeline.parse.Block;
import io.scriptorium.pipeline.parse.Box;
import io.scriptorium.pipeline.parse.Figure;
import io.scriptorium.pipeline.parse.Formula;
import io.scriptorium.pipeline.parse.OutputParsers;
import io.scriptorium.pipeline.parse.ParsedDocument;
import io.scriptorium.pipeline.parse.Table;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the report's HTML: pure functions of {@link ReportPage}s. Every string from the warehouse is escaped, tables
 * come only from the parsers' sanitised HTML (cleaned once more), and each file carries a Content-Security-Policy
 * that allows no script, no network, and only this file's own style and the report's own images.
 */
final class HtmlRenderer {
  static final String TITLE = "Scriptorium report";

  static final String CSS = String.join("\n",
      "body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;margin:0;padding:16px 24px;color:#1d1d1f;background:#f6f6f4}",
      "a{color:#0b57d0}",
      "h1{font-size:20px;margin:4px 0 12px}",
      "h2{font-size:15px;margin:16px 0 6px;border-bottom:1px solid #ddd}",
      "nav{margin-bottom:8px}",
      "dl.facts{display:grid;grid-template-columns:max-content auto;gap:2px 12px;margin:0 0 12px}",
      "dl.facts dt{color:#666}dl.facts dd{margin:0;word-break:break-all}",
      ".layout{display:flex;gap:24px;align-items:flex-start}",
      "figure.scan{position:relative;margin:0;flex:0 0 auto;max-width:56%;background:#fff;box-shadow:0 1px 4px rgba(0,0,0,.25)}",
      "figure.scan img{display:block;max-width:100%;height:auto}",
      "figure.scan svg{position:absolute;left:0;top:0;width:100%;height:100%}",
      "rect.spot{fill:rgba(11,87,208,.10);stroke:#0b57d0;stroke-width:1.5px;vector-effect:non-scaling-stroke}",
      "rect.figure{fill:rgba(200,120,0,.10);stroke:#c87800;stroke-width:2px;stroke-dasharray:6 3;vector-effect:non-scaling-stroke}",
      ".results{flex:1 1 0;min-width:0}",
      "pre{white-space:pre-wrap;word-break:break-word;background:#fff;border:1px solid #e2e2e2;padding:8px;margin:4px 0}",
      "table{border-collapse:collapse;background:#fff;margin:6px 0}",
      "td,th{border:1px solid #bbb;padding:2px 6px;vertical-align:top}",
      "table.list td,table.list th{text-align:left}",
      ".status-ok{color:#137333}.status-failed,.status-quarantined{color:#b3261e;font-weight:600}",
      ".failure{background:#fdecea;border:1px solid #f3b7b1;padding:8px 12px;margin:8px 0}",
      ".note{color:#666}",
      "details summary{cursor:pointer;color:#555}");

  /** No script, no network: the report's own images and this exact style sheet only. */
  static final String CSP = "default-src 'none'; img-src 'self'; style-src " + Html.styleHash(CSS)
      + "; base-uri 'none'; form-action 'none'";

  private HtmlRenderer() {}

  /** The page of one selected page of the archive. */
  static String page(ReportPage page, int total) {
    StringBuilder b = new StringBuilder(8192);
    String fileName = fileName(page.sourceUri());
    head(b, TITLE + ": " + fileName + " page " + page.pageNo());
    b.append("<nav><a href=\"index.html\">Index</a>");
    if (page.index() > 1) {
      b.append(" · <a href=\"").append(ReportPage.fileName(page.index() - 1)).append("\">Previous</a>");
    }
    if (page.index() < total) {
      b.append(" · <a href=\"").append(ReportPage.fileName(page.index() + 1)).append("\">Next</a>");
    }
    b.append("</nav>\n");
    b.append("<h1>").append(escape(fileName)).append(" · page ").append(page.pageNo()).append("</h1>\n");
    facts(b, page);
    if (!"ok".equals(page.status())) {
      b.append("<section class=\"failure\"><h2>").append(escape(page.status())).append(": ")
          .append(escape(page.errorClass())).append("</h2><pre>").append(escape(page.errorMessage()))
          .append("</pre></section>\n");
    }
    b.append("<div class=\"layout\">\n");
    scan(b, page);
    b.append("<div class=\"results\">\n");
    results(b, page);
    b.append("</div>\n</div>\n");
    tail(b);
    return b.toString();
  }

  /** The index: counts, then every page with its status and a link. */
  static String index(List<ReportPage> pages, String where) {
    StringBuilder b = new StringBuilder(4096);
    head(b, TITLE);
    b.append("<h1>").append(TITLE).append("</h1>\n");
    Map<String, Integer> byStatus = new HashMap<>();
    int images = 0;
    for (ReportPage p : pages) {
      byStatus.merge(p.status() == null ? "unknown" : p.status(), 1, Integer::sum);
      images += p.image() == null ? 0 : 1;
    }
    b.append("<dl class=\"facts\"><dt>Selection</dt><dd>").append(escape(where)).append("</dd>")
        .append("<dt>Pages</dt><dd id=\"count-pages\">").append(pages.size()).append("</dd>")
        .append("<dt>ok</dt><dd id=\"count-ok\">").append(byStatus.getOrDefault("ok", 0)).append("</dd>")
        .append("<dt>failed</dt><dd id=\"count-failed\">").append(byStatus.getOrDefault("failed", 0)).append("</dd>")
        .append("<dt>quarantined</dt><dd id=\"count-quarantined\">").append(byStatus.getOrDefault("quarantined", 0))
        .append("</dd><dt>With image</dt><dd id=\"count-images\">").append(images).append("</dd></dl>\n");
    b.append("<table class=\"list\"><thead><tr><th>#</th><th>File</th><th>Page</th><th>Status</th><th>Reason</th>"
        + "<th>Lines</th></tr></thead><tbody>\n");
    for (ReportPage p : pages) {
      b.append("<tr><td>").append(p.index()).append("</td><td><a href=\"").append(p.fileName()).append("\">")
          .append(escape(p.sourceUri())).append("</a></td><td>").append(p.pageNo()).append("</td><td class=\"status-")
          .append(statusClass(p.status())).append("\">").append(escape(p.status())).append("</td><td>")
          .append(escape(p.errorClass())).append("</td><td>").append(p.spots().size()).append("</td></tr>\n");
    }
    b.append("</tbody></table>\n");
    if (pages.isEmpty()) {
      b.append("<p class=\"note\">No page matches the selection.</p>\n");
    }
    tail(b);
    return b.toString();
  }

  private static void head(StringBuilder b, String title) {
    b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n")
        .append("<meta http-equiv=\"Content-Security-Policy\" content=\"").append(CSP).append("\">\n")
        .append("<meta name=\"referrer\" content=\"no-referrer\">\n")
        .append("<title>").append(escape(title)).append("</title>\n")
        .append("<style>").append(CSS).append("</style>\n</head>\n<body>\n");
  }

  private static void tail(StringBuilder b) {
    b.append("</body></html>\n");
  }

  private static void facts(StringBuilder b, ReportPage page) {
    b.append("<dl class=\"facts\">");
    fact(b, "Source", page.sourceUri());
    fact(b, "Page id", page.pageId());
    b.append("<dt>Status</dt><dd class=\"status-").append(statusClass(page.status())).append("\">")
        .append(escape(page.status())).append("</dd>");
    fact(b, "Format", page.format());
    if (page.width() != null && page.height() != null) {
      fact(b, "Size", page.width() + " × " + page.height() + " px");
    }
    fact(b, "Collection", page.collection());
    fact(b, "Batch date", page.batchDate());
    fact(b, "Run", page.runId());
    List<String> revisions = page.outputs().stream().map(o -> String.valueOf(o.modelRevision())).distinct().toList();
    if (!revisions.isEmpty()) {
      fact(b, "Model revision", String.join(", ", revisions));
    }
    b.append("</dl>\n");
  }

  private static void fact(StringBuilder b, String name, String value) {
    if (value != null) {
      b.append("<dt>").append(escape(name)).append("</dt><dd>").append(escape(value)).append("</dd>");
    }
  }

  private static void scan(StringBuilder b, ReportPage page) {
    ReportPage.PageImage image = page.image();
    if (image == null) {
      b.append("<p class=\"note\">No page image: ").append(escape(page.imageProblem())).append("</p>\n");
      return;
    }
    int w = page.width() != null && page.width() > 0 ? page.width() : image.width();
    int h = page.height() != null && page.height() > 0 ? page.height() : image.height();
    b.append("<figure class=\"scan\"><img src=\"").append(escape(image.path())).append("\" width=\"")
        .append(image.width()).append("\" height=\"").append(image.height()).append("\" alt=\"Page image\">");
    b.append("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ").append(w).append(' ').append(h)
        .append("\" preserveAspectRatio=\"none\" aria-hidden=\"true\">");
    for (ReportPage.SpotLine s : page.spots()) {
      if (s.boxed()) {
        rect(b, "spot", s.x1(), s.y1(), s.x2(), s.y2(), s.text());
      }
    }
    for (Figure f : figures(page)) {
      Box px = f.box().denormalize(w, h);
      rect(b, "figure", px.x1(), px.y1(), px.x2(), px.y2(), f.caption() == null ? "figure" : f.caption());
    }
    b.append("</svg></figure>\n");
  }

  private static void rect(StringBuilder b, String kind, int x1, int y1, int x2, int y2, String title) {
    b.append("<rect class=\"").append(kind).append("\" x=\"").append(Math.min(x1, x2)).append("\" y=\"")
        .append(Math.min(y1, y2)).append("\" width=\"").append(Math.abs(x2 - x1)).append("\" height=\"")
        .append(Math.abs(y2 - y1)).append("\"><title>").append(escape(title)).append("</title></rect>");
  }

  private static List<Figure> figures(ReportPage page) {
    List<Figure> figures = new ArrayList<>();
    for (ReportPage.Output o : page.outputs()) {
      if ("parse".equals(o.task())) {
        for (Figure f : OutputParsers.document(o.text()).figures()) {
          if (f.box() != null) {
            figures.add(f);
          }
        }
      }
    }
    return figures;
  }

  private static void results(StringBuilder b, ReportPage page) {
    if (!page.spots().isEmpty()) {
      b.append("<section class=\"task-spotting-text\"><h2>Text (spotting, in reading order)</h2><pre class=\"text\">")
          .append(escape(ReadingOrder.text(lines(page.spots())))).append("</pre></section>\n");
    }
    for (ReportPage.Output o : page.outputs()) {
      String task = o.task() == null ? "unknown" : o.task();
      b.append("<section class=\"task\"><h2>").append(escape(task)).append(" <span class=\"note\">(finish: ")
          .append(escape(o.finishReason())).append(")</span></h2>\n");
      switch (task) {
        case "parse", "translate" -> document(b, OutputParsers.document(o.text()));
        case "table" -> table(b, OutputParsers.table(o.text()));
        case "formula" -> formula(b, OutputParsers.formula(o.text()));
        case "spotting" -> b.append("<p class=\"note\">").append(page.spots().size())
            .append(" lines, drawn on the page image.</p>\n");
        default -> b.append("<pre>").append(escape(o.text())).append("</pre>\n");
      }
      b.append("<details><summary>Raw output</summary><pre class=\"raw\">").append(escape(o.text()))
          .append("</pre></details></section>\n");
    }
    if (page.outputs().isEmpty() && "ok".equals(page.status())) {
      b.append("<p class=\"note\">No current model output for this page.</p>\n");
    }
  }

  private static List<ReadingOrder.Line> lines(List<ReportPage.SpotLine> spots) {
    List<ReadingOrder.Line> lines = new ArrayList<>(spots.size());
    for (ReportPage.SpotLine s : spots) {
      ReadingOrder.Box box = s.boxed() ? new ReadingOrder.Box(s.x1(), s.y1(), s.x2(), s.y2()) : null;
      lines.add(new ReadingOrder.Line(s.lineNo(), s.text(), box));
    }
    return lines;
  }

  private static void document(StringBuilder b, ParsedDocument doc) {
    Map<Integer, Table> tables = new HashMap<>();
    for (Table t : doc.tables()) {
      tables.put(t.blockOrder(), t);
    }
    if (doc.blocks().isEmpty()) {
      b.append("<p class=\"note\">Empty output.</p>\n");
    }
    for (Block block : doc.blocks()) {
      switch (block.kind()) {
        case HEADING -> {
          int level = Math.min(6, Math.max(3, block.headingLevel() + 2));
          b.append("<h").append(level).append('>').append(escape(block.text())).append("</h").append(level).append(">\n");
        }
        case TABLE -> {
          Table t = tables.get(block.order());
          b.append(t == null ? "" : Html.table(t.sanitisedHtml())).append('\n');
        }
        case DISPLAY_FORMULA -> b.append("<pre class=\"latex\">").append(escape(block.text())).append("</pre>\n");
        case FIGURE -> b.append("<p class=\"note\">Figure: ").append(escape(block.text())).append("</p>\n");
        case CHART, CODE -> b.append("<pre>").append(escape(block.text())).append("</pre>\n");
        case LIST_ITEM -> b.append("<p>• ").append(escape(block.text())).append("</p>\n");
        default -> b.append("<p>").append(escape(block.text())).append("</p>\n");
      }
    }
  }

  private static void table(StringBuilder b, Table table) {
    if (table.sanitisedHtml().isEmpty()) {
      b.append("<p class=\"note\">No table found.</p>\n");
    } else {
      b.append(Html.table(table.sanitisedHtml())).append('\n');
    }
  }

  private static void formula(StringBuilder b, Formula formula) {
    b.append("<pre class=\"latex\">").append(escape(formula.latex())).append("</pre>\n");
    if (formula.equationNumber() != null) {
      b.append("<p class=\"note\">Equation (").append(escape(formula.equationNumber())).append(")</p>\n");
    }
  }

  private static String statusClass(String status) {
    return status == null ? "unknown" : status.replaceAll("[^a-z]", "");
  }

  static String fileName(String uri) {
    if (uri == null) {
      return "";
    }
    int slash = uri.lastIndexOf('/');
    return slash >= 0 && slash < uri.length() - 1 ? uri.substring(slash + 1) : uri;
  }
}
