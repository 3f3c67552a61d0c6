package io.scriptorium.pipeline.report;

import io.scriptorium.model.Sha256;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.jsoup.Jsoup;
import org.jsoup.nodes.DataNode;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.DocumentType;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.parser.ParseSettings;
import org.jsoup.parser.Parser;
import org.jsoup.safety.Cleaner;
import org.jsoup.safety.Safelist;

/**
 * The report's HTML as a jsoup tree: strings from the warehouse only ever become text nodes or attribute values, which
 * jsoup escapes when it writes the tree, so no string can close a tag or open one. Tables are the one markup taken
 * from outside, and only as nodes that a table-only safelist let through.
 */
final class Html {
  /** Table markup only, spans as the only attributes: what {@code Table#sanitisedHtml} promises, enforced again. */
  private static final Safelist TABLES = new Safelist()
      .addTags("table", "caption", "thead", "tbody", "tfoot", "tr", "td", "th")
      .addAttributes("td", "colspan", "rowspan")
      .addAttributes("th", "colspan", "rowspan");

  private Html() {}

  /** An empty page: doctype, language, charset, Content-Security-Policy, no referrer, title and the inline style. */
  static Document document(String title, String csp, String css) {
    Document doc = Document.createShell("");
    // attribute names as written: SVG's viewBox and preserveAspectRatio are camel case
    doc.parser(Parser.htmlParser().settings(ParseSettings.preserveCase));
    doc.outputSettings().prettyPrint(false).charset(StandardCharsets.UTF_8);
    doc.prependChild(new DocumentType("html", "", ""));
    doc.selectFirst("html").attr("lang", "en");
    Element head = doc.head();
    head.appendElement("meta").attr("charset", "utf-8");
    head.appendElement("meta").attr("http-equiv", "Content-Security-Policy").attr("content", csp);
    head.appendElement("meta").attr("name", "referrer").attr("content", "no-referrer");
    head.appendElement("title").appendText(text(title));
    head.appendElement("style").appendChild(new DataNode(css));
    return doc;
  }

  /** The text to show for a value: "" for null, and NUL (which HTML parsers drop or replace) as U+FFFD. */
  static String text(String value) {
    return value == null ? "" : value.replace('\u0000', '\uFFFD');
  }

  /** A parser-sanitised table as nodes, cleaned once more against the table-only safelist. */
  static List<Node> table(String sanitisedHtml) {
    if (sanitisedHtml == null || sanitisedHtml.isBlank()) {
      return List.of();
    }
    Document clean = new Cleaner(TABLES).clean(Jsoup.parseBodyFragment(sanitisedHtml, ""));
    return new ArrayList<>(clean.body().childNodes());
  }

  /** The CSP source expression for an inline {@code <style>} element with exactly this content. */
  static String styleHash(String css) {
    byte[] digest = Sha256.newDigest().digest(css.getBytes(StandardCharsets.UTF_8));
    return "'sha256-" + Base64.getEncoder().encodeToString(digest) + "'";
  }
}
