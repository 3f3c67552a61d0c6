package io.scriptorium.pipeline.report;

import io.scriptorium.pipeline.derive.ParsedOutput;
import io.scriptorium.pipeline.derive.TaskParameters;
import io.scriptorium.pipeline.derive.TaskRegistry;
import io.scriptorium.pipeline.layout.ReadingOrder;
import io.scriptorium.pipeline.parse.Block;
import io.scriptorium.pipeline.parse.Box;
import io.scriptorium.pipeline.parse.Figure;
import io.scriptorium.pipeline.parse.Formula;
import io.scriptorium.pipeline.parse.ParsedDocument;
import io.scriptorium.pipeline.parse.Table;
import io.scriptorium.pipeline.vocab.PageStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/**
 * Writes the report's HTML: pure functions of {@link ReportPage}s, built as a jsoup element tree ({@link Html}), so
 * every string from the warehouse is a text node or an attribute value and escaping is structural. Tables come only
 * from the parsers' sanitised HTML (cleaned once more), and each file carries a Content-Security-Policy that allows no
 * script, no network, and only this file's own style and the report's own images.
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
    String fileName = fileName(page.sourceUri());
    Document doc = Html.document(TITLE + ": " + fileName + " page " + page.pageNo(), CSP, CSS);
    Element body = doc.body();
    Element nav = body.appendElement("nav");
    link(nav, "index.html", "Index");
    if (page.index() > 1) {
      link(nav.appendText(" · "), ReportPage.fileName(page.index() - 1), "Previous");
    }
    if (page.index() < total) {
      link(nav.appendText(" · "), ReportPage.fileName(page.index() + 1), "Next");
    }
    body.appendElement("h1").appendText(Html.text(fileName) + " · page " + page.pageNo());
    facts(body, page);
    if (!PageStatus.OK.wireName().equals(page.status())) {
      Element failure = body.appendElement("section").addClass("failure");
      failure.appendElement("h2").appendText(Html.text(page.status()) + ": " + Html.text(page.errorClass()));
      pre(failure, page.errorMessage());
    }
    Element layout = body.appendElement("div").addClass("layout");
    scan(layout, page);
    results(layout.appendElement("div").addClass("results"), page);
    return doc.outerHtml();
  }

  /** The index: counts, then every page with its status and a link. */
  static String index(List<ReportPage> pages, String where) {
    Document doc = Html.document(TITLE, CSP, CSS);
    Element body = doc.body();
    body.appendElement("h1").appendText(TITLE);
    Map<String, Integer> byStatus = new HashMap<>();
    int images = 0;
    for (ReportPage p : pages) {
      byStatus.merge(p.status() == null ? "unknown" : p.status(), 1, Integer::sum);
      images += p.image() == null ? 0 : 1;
    }
    Element facts = body.appendElement("dl").addClass("facts");
    fact(facts, "Selection", where);
    count(facts, "Pages", "count-pages", pages.size());
    for (PageStatus value : PageStatus.values()) {
      String status = value.wireName();
      count(facts, status, "count-" + status, byStatus.getOrDefault(status, 0));
    }
    count(facts, "With image", "count-images", images);
    Element table = body.appendElement("table").addClass("list");
    Element head = table.appendElement("thead").appendElement("tr");
    for (String column : List.of("#", "File", "Page", "Status", "Reason", "Lines")) {
      head.appendElement("th").appendText(column);
    }
    Element rows = table.appendElement("tbody");
    for (ReportPage p : pages) {
      Element row = rows.appendElement("tr");
      row.appendElement("td").appendText(String.valueOf(p.index()));
      link(row.appendElement("td"), p.fileName(), p.sourceUri());
      row.appendElement("td").appendText(String.valueOf(p.pageNo()));
      row.appendElement("td").addClass("status-" + statusClass(p.status())).appendText(Html.text(p.status()));
      row.appendElement("td").appendText(Html.text(p.errorClass()));
      row.appendElement("td").appendText(String.valueOf(p.spots().size()));
    }
    if (pages.isEmpty()) {
      note(body, "No page matches the selection.");
    }
    return doc.outerHtml();
  }

  private static void link(Element parent, String href, String text) {
    parent.appendElement("a").attr("href", href).appendText(Html.text(text));
  }

  private static Element pre(Element parent, String text) {
    return parent.appendElement("pre").appendText(Html.text(text));
  }

  private static void note(Element parent, String text) {
    parent.appendElement("p").addClass("note").appendText(text);
  }

  private static void facts(Element body, ReportPage page) {
    Element facts = body.appendElement("dl").addClass("facts");
    fact(facts, "Source", page.sourceUri());
    fact(facts, "Page id", page.pageId());
    facts.appendElement("dt").appendText("Status");
    facts.appendElement("dd").addClass("status-" + statusClass(page.status())).appendText(Html.text(page.status()));
    fact(facts, "Format", page.format());
    if (page.width() != null && page.height() != null) {
      fact(facts, "Size", page.width() + " × " + page.height() + " px");
    }
    fact(facts, "Collection", page.collection());
    fact(facts, "Batch date", page.batchDate());
    fact(facts, "Run", page.runId());
    List<String> revisions = page.outputs().stream().map(o -> String.valueOf(o.modelRevision())).distinct().toList();
    if (!revisions.isEmpty()) {
      fact(facts, "Model revision", String.join(", ", revisions));
    }
  }

  /** A name and its value; nothing for a null value. */
  private static void fact(Element facts, String name, String value) {
    if (value != null) {
      facts.appendElement("dt").appendText(name);
      facts.appendElement("dd").appendText(Html.text(value));
    }
  }

  private static void count(Element facts, String name, String id, int n) {
    facts.appendElement("dt").appendText(name);
    facts.appendElement("dd").id(id).appendText(String.valueOf(n));
  }

  private static void scan(Element layout, ReportPage page) {
    ReportPage.PageImage image = page.image();
    if (image == null) {
      layout.appendElement("p").addClass("note").appendText("No page image: " + Html.text(page.imageProblem()));
      return;
    }
    int w = page.width() != null && page.width() > 0 ? page.width() : image.width();
    int h = page.height() != null && page.height() > 0 ? page.height() : image.height();
    Element figure = layout.appendElement("figure").addClass("scan");
    figure.appendElement("img").attr("src", image.path()).attr("width", String.valueOf(image.width()))
        .attr("height", String.valueOf(image.height())).attr("alt", "Page image");
    Element svg = figure.appendElement("svg").attr("xmlns", "http://www.w3.org/2000/svg")
        .attr("viewBox", "0 0 " + w + " " + h).attr("preserveAspectRatio", "none").attr("aria-hidden", "true");
    for (ReportPage.SpotLine s : page.spots()) {
      if (s.boxed()) {
        rect(svg, "spot", s.x1(), s.y1(), s.x2(), s.y2(), s.text());
      }
    }
    for (Figure f : figures(page)) {
      Box px = f.box().denormalize(w, h);
      rect(svg, "figure", px.x1(), px.y1(), px.x2(), px.y2(), f.caption() == null ? "figure" : f.caption());
    }
  }

  private static void rect(Element svg, String kind, int x1, int y1, int x2, int y2, String title) {
    svg.appendElement("rect").addClass(kind).attr("x", String.valueOf(Math.min(x1, x2)))
        .attr("y", String.valueOf(Math.min(y1, y2))).attr("width", String.valueOf(Math.abs(x2 - x1)))
        .attr("height", String.valueOf(Math.abs(y2 - y1)))
        .appendElement("title").appendText(Html.text(title));
  }

  private static List<Figure> figures(ReportPage page) {
    List<Figure> figures = new ArrayList<>();
    for (ReportPage.Output o : page.outputs()) {
      if (parsed(o).orElse(null) instanceof ParsedOutput.Document parsed) { // translations' figures are not drawn
        for (Figure f : parsed.document().figures()) {
          if (f.box() != null) {
            figures.add(f);
          }
        }
      }
    }
    return figures;
  }

  private static void results(Element results, ReportPage page) {
    if (!page.spots().isEmpty()) {
      Element section = results.appendElement("section").addClass("task-spotting-text");
      section.appendElement("h2").appendText("Text (spotting, in reading order)");
      pre(section, ReadingOrder.text(lines(page.spots()))).addClass("text");
    }
    for (ReportPage.Output o : page.outputs()) {
      String task = o.task() == null ? "unknown" : o.task();
      Element section = results.appendElement("section").addClass("task");
      section.appendElement("h2").appendText(Html.text(task) + " ")
          .appendElement("span").addClass("note").appendText("(finish: " + Html.text(o.finishReason()) + ")");
      parsed(o).ifPresentOrElse(parsed -> output(section, parsed, o.text(), page.spots().size()),
          () -> pre(section, o.text()));
      Element raw = section.appendElement("details");
      raw.appendElement("summary").appendText("Raw output");
      pre(raw, o.text()).addClass("raw");
    }
    if (page.outputs().isEmpty() && PageStatus.OK.wireName().equals(page.status())) {
      note(results, "No current model output for this page.");
    }
  }

  /** The output read by its task's parser; empty for a task name that is none. */
  private static Optional<ParsedOutput> parsed(ReportPage.Output o) {
    return TaskRegistry.byKey(o.task()).map(task -> TaskRegistry.parse(task, o.text(), TaskParameters.NONE));
  }

  /** One output's section body: documents, tables and formulas rendered, spots counted, other answers as text. */
  private static void output(Element section, ParsedOutput parsed, String text, int spotLines) {
    parsed.match(new ParsedOutput.Cases<Void>() {
      @Override
      public Void document(ParsedOutput.Document document) {
        HtmlRenderer.document(section, document.document());
        return null;
      }

      @Override
      public Void translated(ParsedOutput.Translated translated) {
        HtmlRenderer.document(section, translated.translation().document());
        return null;
      }

      @Override
      public Void table(ParsedOutput.TableAnswer table) {
        HtmlRenderer.table(section, table.table());
        return null;
      }

      @Override
      public Void formula(ParsedOutput.FormulaAnswer formula) {
        HtmlRenderer.formula(section, formula.formula());
        return null;
      }

      @Override
      public Void spots(ParsedOutput.Spots spots) {
        note(section, spotLines + " lines, drawn on the page image."); // the stored spots, as drawn
        return null;
      }

      @Override
      public Void charts(ParsedOutput.Charts charts) {
        return raw();
      }

      @Override
      public Void fields(ParsedOutput.Fields fields) {
        return raw();
      }

      @Override
      public Void subtitles(ParsedOutput.Subtitles subtitles) {
        return raw();
      }

      @Override
      public Void answers(ParsedOutput.Answers answers) {
        return raw();
      }

      @Override
      public Void text(ParsedOutput.PlainText plain) {
        return raw();
      }

      private Void raw() {
        pre(section, text);
        return null;
      }
    });
  }

  private static List<ReadingOrder.Line> lines(List<ReportPage.SpotLine> spots) {
    List<ReadingOrder.Line> lines = new ArrayList<>(spots.size());
    for (ReportPage.SpotLine s : spots) {
      ReadingOrder.Box box = s.boxed() ? new ReadingOrder.Box(s.x1(), s.y1(), s.x2(), s.y2()) : null;
      lines.add(new ReadingOrder.Line(s.lineNo(), s.text(), box));
    }
    return lines;
  }

  private static void document(Element section, ParsedDocument doc) {
    Map<Integer, Table> tables = new HashMap<>();
    for (Table t : doc.tables()) {
      tables.put(t.blockOrder(), t);
    }
    if (doc.blocks().isEmpty()) {
      note(section, "Empty output.");
    }
    for (Block block : doc.blocks()) {
      switch (block.kind()) {
        case HEADING -> section.appendElement("h" + Math.min(6, Math.max(3, block.headingLevel() + 2)))
            .appendText(Html.text(block.text()));
        case TABLE -> {
          Table t = tables.get(block.order());
          if (t != null) {
            section.appendChildren(Html.table(t.sanitisedHtml()));
          }
        }
        case DISPLAY_FORMULA -> pre(section, block.text()).addClass("latex");
        case FIGURE -> note(section, "Figure: " + Html.text(block.text()));
        case CHART, CODE -> pre(section, block.text());
        case LIST_ITEM -> section.appendElement("p").appendText("• " + Html.text(block.text()));
        default -> section.appendElement("p").appendText(Html.text(block.text()));
      }
    }
  }

  private static void table(Element section, Table table) {
    if (table.sanitisedHtml().isEmpty()) {
      note(section, "No table found.");
    } else {
      section.appendChildren(Html.table(table.sanitisedHtml()));
    }
  }

  private static void formula(Element section, Formula formula) {
    pre(section, formula.latex()).addClass("latex");
    if (formula.equationNumber() != null) {
      note(section, "Equation (" + Html.text(formula.equationNumber()) + ")");
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
