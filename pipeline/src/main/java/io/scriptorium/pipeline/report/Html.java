package io.scriptorium.pipeline.report;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.safety.Safelist;

/** Escaping and sanitising for the report: every string that did not come from this package goes through here. */
final class Html {
  /** Table markup only, spans as the only attributes: what {@code Table#sanitisedHtml} promises, enforced again. */
  private static final Safelist TABLES = new Safelist()
      .addTags("table", "caption", "thead", "tbody", "tfoot", "tr", "td", "th")
      .addAttributes("td", "colspan", "rowspan")
      .addAttributes("th", "colspan", "rowspan");

  private Html() {}

  /** Text and attribute values: {@code & < > " '} become entities, NUL becomes U+FFFD; null becomes "". */
  static String escape(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        case '\u0000' -> out.append('\uFFFD');
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  /** A parser-sanitised table, cleaned once more against a table-only safelist. */
  static String table(String sanitisedHtml) {
    if (sanitisedHtml == null || sanitisedHtml.isBlank()) {
      return "";
    }
    Document.OutputSettings settings = new Document.OutputSettings().prettyPrint(false);
    return Jsoup.clean(sanitisedHtml, "", TABLES, settings);
  }

  /** The CSP source expression for an inline {@code <style>} element with exactly this content. */
  static String styleHash(String css) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(css.getBytes(StandardCharsets.UTF_8));
      return "'sha256-" + Base64.getEncoder().encodeToString(digest) + "'";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
