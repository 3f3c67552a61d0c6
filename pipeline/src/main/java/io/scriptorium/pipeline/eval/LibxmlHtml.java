package io.scriptorium.pipeline.eval;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.commons.text.translate.EntityArrays;

/**
 * An HTML reader that builds the tree the reference TEDS implementations see: both PubTabNet's {@code metric.py} and
 * OmniDocBench's {@code table_metric.py} read tables with lxml's HTML parser, that is libxml2's (2.9 series; the
 * rules below were checked against lxml 4.9.2 on libxml2 2.9.14). Unlike an HTML5 parser it never inserts
 * {@code tbody} or moves text out of tables; what it does do:
 *
 * <ul>
 *   <li>tag and attribute names are lower-cased; the first of two equal attributes wins; comments are dropped;
 *   <li>a start tag closes the open element on top while that element is one the new tag implicitly ends ({@code td}
 *       ends an open {@code td}, {@code th}, {@code p}, {@code span}, {@code b}, {@code i}, {@code u}, {@code a},
 *       {@code font}; {@code tr} ends {@code td}, {@code th}, {@code tr} ...; see {@link #ENDED_BY});
 *   <li>an end tag closes everything above the matching open element, unless one of those has a higher end priority
 *       (table 190, table sections 180, {@code tr} 170, cells 160, {@code div} 150, others 100), in which case it is
 *       ignored, as is an end tag with no open element;
 *   <li>{@code html} and {@code body} are implied by the first start tag or text; text directly in {@code html}
 *       (also the first text of a document) opens an implied {@code p}; a second {@code html} or {@code body}, or a
 *       {@code head} not directly in {@code html}, is ignored;
 *   <li>void elements ({@code br}, {@code img}, {@code col} ...) and {@code <x/>} close at once;
 *   <li>character references and the 253 HTML 4 entities are decoded; an unknown or unterminated entity stays as
 *       written; {@code &#0;} and malformed numeric references vanish.
 * </ul>
 *
 * <p>Processing instructions, {@code <![CDATA[} sections and content after the closing {@code </html>} are outside
 * what the metrics need and are read loosely.
 */
final class LibxmlHtml {
  /** An element: lxml's view, with {@code text} (before the first child) and {@code tail} (after the element). */
  static final class Element {
    String tag;
    final Map<String, String> attributes = new LinkedHashMap<>();
    final List<Element> children = new ArrayList<>();
    String text = "";
    String tail = "";
    Element parent;

    Element(String tag) {
      this.tag = tag;
    }

    String attribute(String name) {
      return attributes.get(name);
    }

    /** The first child element named {@code tag}, or null. */
    Element child(String name) {
      for (Element e : children) {
        if (e.tag.equals(name)) {
          return e;
        }
      }
      return null;
    }

    /** Number of elements below this one ({@code len(e.xpath(".//*"))}). */
    int descendants() {
      int n = 0;
      for (Element c : children) {
        n += 1 + c.descendants();
      }
      return n;
    }

    @Override
    public String toString() {
      StringBuilder out = new StringBuilder("<").append(tag).append('>').append(text);
      for (Element c : children) {
        out.append(c).append(c.tail);
      }
      return out.append("</").append(tag).append('>').toString();
    }
  }

  private static final Set<String> VOID = Set.of("area", "base", "basefont", "br", "col", "frame", "hr", "img", "input",
      "isindex", "link", "meta", "param");
  private static final Set<String> RAW_TEXT = Set.of("script", "style");
  private static final Map<String, Set<String>> ENDED_BY = new HashMap<>();
  private static final Map<String, Integer> END_PRIORITY = Map.of("div", 150, "td", 160, "th", 160, "tr", 170,
      "thead", 180, "tbody", 180, "tfoot", 180, "table", 190, "head", 200, "body", 200);
  private static final Map<String, String> ENTITIES = new HashMap<>();
  private static final Pattern FULL_HTML = Pattern.compile("^\\s*<(?:html|!doctype)", Pattern.CASE_INSENSITIVE);

  static {
    Set<String> headings = Set.of("h1", "h2", "h3", "h4", "h5", "h6");
    closes("tbody", "caption", "colgroup", "p", "tbody", "td", "tfoot", "th", "thead", "tr");
    closes("tfoot", "caption", "colgroup", "p", "tbody", "td", "th", "thead", "tr");
    closes("tr", "caption", "colgroup", "p", "td", "th", "tr");
    closes("td", "a", "b", "font", "i", "p", "span", "td", "th", "u");
    closes("th", "a", "b", "font", "i", "p", "span", "td", "th", "u");
    closes("thead", "caption", "colgroup");
    closes("colgroup", "caption", "colgroup", "p");
    closes("col", "caption", "p");
    closes("table", "a", "h1", "h2", "h3", "h4", "h5", "h6", "listing", "p", "pre", "xmp");
    closes("caption", "p");
    closes("div", "p");
    closes("p", "b", "big", "h1", "h2", "h3", "h4", "h5", "h6", "i", "p", "s", "small", "strike", "tt", "u");
    closes("a", "a");
    for (String h : headings) {
      closes(h, "p");
    }
    closes("ul", "address", "dir", "listing", "menu", "ol", "p", "pre", "xmp");
    closes("ol", "p", "ul");
    closes("li", "address", "dl", "h1", "h2", "h3", "h4", "h5", "h6", "li", "listing", "p", "pre", "xmp");
    closes("pre", "p", "ul");
    closes("hr", "p");
    closes("center", "b", "font", "i", "p");
    closes("form", "address", "dir", "dl", "form", "h1", "h2", "h3", "h4", "h5", "h6", "listing", "menu", "ol", "p",
        "pre", "ul", "xmp");
    closes("dl", "address", "dir", "dt", "listing", "menu", "p", "pre", "xmp");
    closes("dt", "address", "dd", "dir", "listing", "menu", "p", "pre", "xmp");
    closes("dd", "address", "dir", "dt", "listing", "menu", "p", "pre", "xmp");
    closes("blockquote", "p");
    closes("address", "p", "ul");
    closes("title", "p");
    closes("listing", "p");
    closes("xmp", "p");
    closes("menu", "p", "ul");
    closes("dir", "p");
    closes("fieldset", "a", "h1", "h2", "h3", "h4", "h5", "h6", "legend", "listing", "p", "pre", "xmp");
    closes("option", "option");
    closes("optgroup", "option");
    closes("frameset", "p", "title");
    for (Map<CharSequence, CharSequence> table : List.of(EntityArrays.BASIC_UNESCAPE, EntityArrays.APOS_UNESCAPE,
        EntityArrays.ISO8859_1_UNESCAPE, EntityArrays.HTML40_EXTENDED_UNESCAPE)) {
      table.forEach((k, v) -> {
        String key = k.toString();
        ENTITIES.put(key.substring(1, key.length() - 1), v.toString());
      });
    }
  }

  private static void closes(String newTag, String... ended) {
    ENDED_BY.put(newTag, Set.of(ended));
  }

  private final String in;
  private int pos;
  private final List<Element> stack = new ArrayList<>();
  private Element root;
  private int misplaced; // html/body/head start tags ignored, whose end tags are ignored too

  private LibxmlHtml(String in) {
    this.in = in;
  }

  /** The document element ({@code html}) of {@code html}, or null when nothing was read (an empty document). */
  static Element parseDocument(String html) {
    LibxmlHtml p = new LibxmlHtml(html);
    p.run();
    return p.root;
  }

  /**
   * {@code lxml.html.fromstring(s).xpath('body/table')[0]}: the first {@code table} directly in {@code body}, or null
   * when there is none. As in lxml, {@code fromstring} returns the document only when the text starts with
   * {@code <html} or {@code <!doctype} (after whitespace) or has a {@code head}; otherwise it returns the single element
   * given (or a {@code div}/{@code span} around several), which has no {@code body}: a bare {@code <table>} therefore
   * yields null.
   */
  static Element bodyTable(String html) {
    Element doc = parseDocument(html);
    if (doc == null) {
      return null;
    }
    boolean document = FULL_HTML.matcher(html).find() || doc.child("head") != null;
    if (!document) {
      return null;
    }
    Element body = doc.child("body");
    return body == null ? null : body.child("table");
  }

  // ------------------------------------------------------------------------------------------------------ the parse

  private void run() {
    int n = in.length();
    while (pos < n) {
      char c = in.charAt(pos);
      if (c == '<') {
        if (in.startsWith("<!--", pos)) {
          int end = in.indexOf("-->", pos + 4);
          pos = end < 0 ? n : end + 3;
        } else if (pos + 1 < n && in.charAt(pos + 1) == '!') {
          int end = in.indexOf('>', pos);
          pos = end < 0 ? n : end + 1;
        } else if (pos + 1 < n && in.charAt(pos + 1) == '?') {
          int end = in.indexOf('>', pos);
          pos = end < 0 ? n : end + 1;
        } else if (pos + 1 < n && in.charAt(pos + 1) == '/') {
          endTag();
        } else if (pos + 1 < n && isAsciiLetter(in.charAt(pos + 1))) {
          startTag();
        } else {
          characters("<");
          pos++;
        }
      } else if (c == '&') {
        reference();
      } else {
        int end = pos;
        while (end < n && in.charAt(end) != '<' && in.charAt(end) != '&') {
          end++;
        }
        characters(in.substring(pos, end));
        pos = end;
      }
    }
    stack.clear();
  }

  private Element current() {
    return stack.isEmpty() ? null : stack.get(stack.size() - 1);
  }

  private String currentName() {
    Element e = current();
    return e == null ? null : e.tag;
  }

  private void push(String tag, Map<String, String> attributes) {
    Element e = new Element(tag);
    if (attributes != null) {
      e.attributes.putAll(attributes);
    }
    Element parent = current();
    if (parent != null) {
      e.parent = parent;
      parent.children.add(e);
    } else if (root == null) {
      root = e;
    } else {
      // content after </html>: lxml hangs it under the document element
      e.parent = root;
      root.children.add(e);
    }
    stack.add(e);
  }

  private void pop() {
    stack.remove(stack.size() - 1);
  }

  private boolean open(String tag) {
    for (Element e : stack) {
      if (e.tag.equals(tag)) {
        return true;
      }
    }
    return false;
  }

  private void characters(String s) {
    if (s.isEmpty()) {
      return;
    }
    boolean blank = s.chars().allMatch(ch -> ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r');
    String name = currentName();
    if (!blank && (name == null || name.equals("html") || name.equals("head"))) {
      impliedParagraph();
    }
    Element node = current();
    if (node == null) {
      return; // blanks before the first element are dropped
    }
    if (node.children.isEmpty()) {
      node.text += s;
    } else {
      Element last = node.children.get(node.children.size() - 1);
      last.tail += s;
    }
  }

  private void impliedParagraph() {
    autoClose("p");
    implied("p");
    push("p", null);
  }

  /** Closes the top element while the new tag implicitly ends it. */
  private void autoClose(String newTag) {
    Set<String> ends = ENDED_BY.get(newTag);
    while (ends != null && !stack.isEmpty() && ends.contains(currentName())) {
      pop();
    }
  }

  private void implied(String newTag) {
    if (newTag.equals("html")) {
      return;
    }
    if (stack.isEmpty()) {
      push("html", null);
    }
    if (newTag.equals("body") || newTag.equals("head")) {
      return;
    }
    if (stack.size() <= 1 && Set.of("script", "style", "meta", "link", "title", "base").contains(newTag)) {
      if (!open("head") && root.child("head") == null && root.child("body") == null) {
        push("head", null);
      }
      return;
    }
    if (Set.of("noframes", "frame", "frameset").contains(newTag)) {
      return;
    }
    if (open("body") || open("head") || root.child("body") != null) {
      return;
    }
    push("body", null);
  }

  private void startTag() {
    pos++; // '<'
    String name = name();
    Map<String, String> attributes = new LinkedHashMap<>();
    boolean selfClosing = false;
    int n = in.length();
    while (pos < n) {
      skipBlanks();
      if (pos >= n) {
        break;
      }
      char c = in.charAt(pos);
      if (c == '>') {
        pos++;
        break;
      }
      if (c == '/' && pos + 1 < n && in.charAt(pos + 1) == '>') {
        pos += 2;
        selfClosing = true;
        break;
      }
      if (isNameStart(c)) {
        String attr = name();
        skipBlanks();
        String value = null;
        if (pos < n && in.charAt(pos) == '=') {
          pos++;
          skipBlanks();
          value = attributeValue();
        }
        attributes.putIfAbsent(attr, value == null ? "" : value);
      } else {
        // garbage: skip to the next blank or '>'
        while (pos < n && !isBlank(in.charAt(pos)) && in.charAt(pos) != '>'
            && !(in.charAt(pos) == '/' && pos + 1 < n && in.charAt(pos + 1) == '>')) {
          pos++;
        }
      }
    }
    autoClose(name);
    implied(name);
    if ((!stack.isEmpty() && name.equals("html")) || (stack.size() != 1 && name.equals("head"))
        || (name.equals("body") && open("body"))) {
      misplaced++;
      return;
    }
    push(name, attributes);
    if (RAW_TEXT.contains(name)) {
      int end = indexOfIgnoreCase("</" + name, pos);
      int stop = end < 0 ? n : end;
      if (stop > pos) {
        current().text += in.substring(pos, stop);
      }
      pos = stop;
      return;
    }
    if (selfClosing || VOID.contains(name)) {
      pop();
    }
  }

  private void endTag() {
    pos += 2; // '</'
    if (pos >= in.length() || !isNameStart(in.charAt(pos))) {
      return; // "</" and no name: both characters vanish
    }
    String name = name();
    int end = in.indexOf('>', pos);
    pos = end < 0 ? in.length() : end + 1;
    if (misplaced > 0 && (name.equals("html") || name.equals("body") || name.equals("head"))) {
      misplaced--;
      return;
    }
    int i = stack.size() - 1;
    while (i >= 0 && !stack.get(i).tag.equals(name)) {
      i--;
    }
    if (i < 0) {
      return;
    }
    int priority = END_PRIORITY.getOrDefault(name, 100);
    for (int k = stack.size() - 1; k > i; k--) {
      if (END_PRIORITY.getOrDefault(stack.get(k).tag, 100) > priority) {
        return;
      }
    }
    while (stack.size() > i) {
      pop();
    }
  }

  private void reference() {
    int n = in.length();
    if (pos + 1 < n && in.charAt(pos + 1) == '#') {
      int p = pos + 2;
      int value = 0;
      boolean hex = p < n && (in.charAt(p) == 'x' || in.charAt(p) == 'X');
      if (hex) {
        p++;
      }
      int digits = p;
      boolean overflow = false;
      while (p < n && (hex ? Character.digit(in.charAt(p), 16) >= 0 && in.charAt(p) < 128 : isDigit(in.charAt(p)))) {
        value = value * (hex ? 16 : 10) + Character.digit(in.charAt(p), 16);
        if (value > 0x10FFFF) {
          overflow = true;
          value = 0x110000;
        }
        p++;
      }
      boolean any = p > digits;
      if (any && p < n && in.charAt(p) == ';') {
        p++;
      }
      pos = p;
      if (!any || overflow || value == 0 || (value >= 0xD800 && value <= 0xDFFF)) {
        return;
      }
      characters(new String(Character.toChars(value)));
      return;
    }
    int p = pos + 1;
    if (p >= n || !isNameStart(in.charAt(p))) {
      characters("&");
      pos++;
      return;
    }
    int start = p;
    while (p < n && isNameChar(in.charAt(p))) {
      p++;
    }
    String name = in.substring(start, p);
    String value = p < n && in.charAt(p) == ';' ? ENTITIES.get(name) : null;
    if (value != null) {
      characters(value);
      pos = p + 1;
    } else {
      characters("&" + name);
      pos = p;
    }
  }

  // ------------------------------------------------------------------------------------------------------- lexing

  private String name() {
    int start = pos;
    while (pos < in.length() && isNameChar(in.charAt(pos))) {
      pos++;
    }
    return in.substring(start, pos).toLowerCase(Locale.ROOT);
  }

  private String attributeValue() {
    int n = in.length();
    if (pos >= n) {
      return "";
    }
    char q = in.charAt(pos);
    int start;
    int end;
    if (q == '"' || q == '\'') {
      start = pos + 1;
      end = in.indexOf(q, start);
      if (end < 0) {
        end = n;
      }
      pos = Math.min(n, end + 1);
    } else {
      start = pos;
      end = pos;
      while (end < n && !isBlank(in.charAt(end)) && in.charAt(end) != '>') {
        end++;
      }
      pos = end;
    }
    return decodeAttribute(in.substring(start, end));
  }

  /** Entities in attribute values: the same table; an unknown one stays as written. */
  private static String decodeAttribute(String raw) {
    if (raw.indexOf('&') < 0) {
      return raw;
    }
    LibxmlHtml p = new LibxmlHtml(raw);
    StringBuilder out = new StringBuilder();
    int n = raw.length();
    while (p.pos < n) {
      char c = raw.charAt(p.pos);
      if (c != '&') {
        out.append(c);
        p.pos++;
        continue;
      }
      Element holder = new Element("a");
      p.stack.add(holder);
      p.root = holder;
      p.reference();
      out.append(holder.text);
      p.stack.clear();
    }
    return out.toString();
  }

  private int indexOfIgnoreCase(String needle, int from) {
    String lower = in.toLowerCase(Locale.ROOT);
    return lower.indexOf(needle.toLowerCase(Locale.ROOT), from);
  }

  private void skipBlanks() {
    while (pos < in.length() && isBlank(in.charAt(pos))) {
      pos++;
    }
  }

  private static boolean isBlank(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isAsciiLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  private static boolean isNameStart(char c) {
    return isAsciiLetter(c) || c == '_' || c == ':' || (c >= 0x80 && Character.isLetter(c));
  }

  private static boolean isNameChar(char c) {
    return isNameStart(c) || isDigit(c) || c == '-' || c == '.' || (c >= 0x80 && Character.isLetterOrDigit(c));
  }
}
