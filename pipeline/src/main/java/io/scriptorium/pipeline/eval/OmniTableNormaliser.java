package io.scriptorium.pipeline.eval;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.nodes.Entities;

/**
 * OmniDocBench's normalisation of table HTML before TEDS ({@code normalized_table(text, 'html')} in its
 * {@code utils/data_preprocess.py}), step by step:
 *
 * <ol>
 *   <li>nothing unless the text contains {@code <table} (spaces removed): then the result is empty;
 *   <li>the text is read as BeautifulSoup's {@code html.parser} reads it (no implied or auto-closed elements; an end
 *       tag closes up to its open element or is ignored; a text node of ASCII whitespace only becomes one space, or one
 *       newline if it had one), {@code th} renamed {@code td}, {@code thead} and {@code span} unwrapped, {@code <math>}
 *       replaced by {@code $alttext$}, and written back out with entities decoded;
 *   <li>newlines removed, Unicode NFKC, surrounding whitespace stripped;
 *   <li>only what lies between the first {@code <table ...>} and the last {@code </table>} is kept; {@code style},
 *       {@code height}, {@code width}, {@code align} and {@code class} attributes and {@code tbody} tags removed;
 *       whitespace runs become one space (leading and trailing spaces of a cell survive);
 *   <li>wrapped as {@code <html><body><table border="1" >...</table></body></html>};
 *   <li>{@code <sup> </sup> <sub> </sub> <span> </span> <div> </div> <p> </p>} (exactly so written) and
 *       {@code <colgroup>...</colgroup>} removed; {@code <b>} and {@code <i>} stay.
 * </ol>
 */
public final class OmniTableNormaliser {
  private static final Set<String> VOID = Set.of("area", "base", "br", "col", "embed", "hr", "img", "input", "keygen",
      "link", "menuitem", "meta", "param", "source", "track", "wbr", "basefont", "bgsound", "command", "frame", "image",
      "isindex", "nextid", "spacer");
  private static final Set<String> MULTI_VALUED = Set.of("class", "accesskey", "dropzone");
  private static final Pattern TABLE = Pattern.compile("<table\\b[^>]*>(.*)</table>",
      Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
  private static final List<Pattern> ATTRIBUTES = List.of(Pattern.compile("( style=\".*?\")", Pattern.UNIX_LINES),
      Pattern.compile("( height=\".*?\")", Pattern.UNIX_LINES), Pattern.compile("( width=\".*?\")", Pattern.UNIX_LINES),
      Pattern.compile("( align=\".*?\")", Pattern.UNIX_LINES), Pattern.compile("( class=\".*?\")", Pattern.UNIX_LINES));
  private static final Pattern TBODY = Pattern.compile("</?tbody>");
  private static final Pattern COLGROUP = Pattern.compile("<colgroup>.*?</colgroup>", Pattern.UNIX_LINES);
  private static final Pattern END_TAG = Pattern.compile("</\\s*([a-zA-Z][-.a-zA-Z0-9:_]*)\\s*>");
  private static final Pattern CHARREF = Pattern.compile("&#(?:[0-9]+|[xX][0-9a-fA-F]+)[^0-9a-fA-F]");
  private static final Pattern ENTITYREF = Pattern.compile("&([a-zA-Z][-.a-zA-Z0-9]*)[^a-zA-Z0-9]");

  private OmniTableNormaliser() {}

  /** The normalised table, or "" when the text has no {@code <table}. */
  public static String normalise(String text) {
    if (text == null || !text.replace(" ", "").replace("'", "\"").contains("<table")) {
      return "";
    }
    Node soup = soup(text);
    rewrite(soup);
    StringBuilder out = new StringBuilder();
    for (Node child : soup.children) {
      child.write(out);
    }
    String s = out.toString().replace("\n", "");
    s = Py.strip(Normalizer.normalize(s, Normalizer.Form.NFKC));
    Matcher m = TABLE.matcher(s);
    StringBuilder tables = new StringBuilder();
    while (m.find()) {
      tables.append(m.group(1));
    }
    s = tables.toString();
    for (Pattern p : ATTRIBUTES) {
      s = p.matcher(s).replaceAll("");
    }
    s = TBODY.matcher(s).replaceAll("");
    s = Py.collapseSpaces(s, " ");
    s = "<html><body><table border=\"1\" >" + s + "</table></body></html>";
    for (String tag : List.of("<sup>", "</sup>", "<sub>", "</sub>", "<span>", "</span>", "<div>", "</div>", "<p>",
        "</p>", "<spandata-span-identity=\"\">")) {
      s = s.replace(tag, "");
    }
    return COLGROUP.matcher(s).replaceAll("");
  }

  // ------------------------------------------------------------------------------------- a BeautifulSoup-like tree

  /** An element (tag != null) or a string (tag == null, raw != null for comments and declarations). */
  private static final class Node {
    String tag;
    String text;
    String raw;
    final Map<String, String> attributes = new LinkedHashMap<>();
    final List<Node> children = new ArrayList<>();
    Node parent;

    void write(StringBuilder out) {
      if (raw != null) {
        out.append(raw);
        return;
      }
      if (tag == null) {
        out.append(text);
        return;
      }
      out.append('<').append(tag);
      attributes.forEach((k, v) -> {
        char quote = v.indexOf('"') >= 0 && v.indexOf('\'') < 0 ? '\'' : '"';
        out.append(' ').append(k).append('=').append(quote).append(v).append(quote);
      });
      if (VOID.contains(tag) && children.isEmpty()) {
        out.append("/>");
        return;
      }
      out.append('>');
      for (Node c : children) {
        c.write(out);
      }
      out.append("</").append(tag).append('>');
    }
  }

  /** th to td, thead and span unwrapped, math replaced by its alttext in dollars (document order, as bs4 does). */
  private static void rewrite(Node root) {
    for (Node n : all(root)) {
      if ("th".equals(n.tag)) {
        n.tag = "td";
      }
    }
    for (Node n : all(root)) {
      if ("thead".equals(n.tag)) {
        unwrap(n);
      }
    }
    for (Node n : all(root)) {
      if ("math".equals(n.tag) && n.parent != null) {
        Node s = new Node();
        s.text = "$" + n.attributes.getOrDefault("alttext", "") + "$";
        replace(n, s);
      }
    }
    for (Node n : all(root)) {
      if ("span".equals(n.tag)) {
        unwrap(n);
      }
    }
  }

  private static List<Node> all(Node root) {
    List<Node> out = new ArrayList<>();
    collect(root, out);
    return out;
  }

  private static void collect(Node n, List<Node> out) {
    for (Node c : n.children) {
      out.add(c);
      collect(c, out);
    }
  }

  private static void unwrap(Node n) {
    Node parent = n.parent;
    if (parent == null) {
      return;
    }
    int at = parent.children.indexOf(n);
    parent.children.remove(at);
    for (Node c : n.children) {
      c.parent = parent;
    }
    parent.children.addAll(at, n.children);
    n.parent = null;
  }

  private static void replace(Node n, Node with) {
    Node parent = n.parent;
    int at = parent.children.indexOf(n);
    parent.children.set(at, with);
    with.parent = parent;
    n.parent = null;
  }

  // ------------------------------------------------------------------------ Python html.parser + the bs4 builder

  private static Node soup(String in) {
    Node root = new Node();
    root.tag = "[document]";
    List<Node> stack = new ArrayList<>(List.of(root));
    StringBuilder data = new StringBuilder();
    int n = in.length();
    int i = 0;
    while (i < n) {
      char c = in.charAt(i);
      if (c == '<' && i + 1 < n && isAsciiLetter(in.charAt(i + 1))) {
        int end = startTag(in, i, stack, data);
        if (end < 0) {
          data.append(in, i, n);
          break;
        }
        i = end;
      } else if (c == '<' && in.startsWith("</", i)) {
        int gt = in.indexOf('>', i + 1);
        if (gt < 0) {
          data.append(in, i, n);
          break;
        }
        Matcher m = END_TAG.matcher(in).region(i, n);
        String name;
        int next;
        if (m.lookingAt()) {
          name = m.group(1).toLowerCase(Locale.ROOT);
          next = m.end();
        } else if (i + 2 < n && isAsciiLetter(in.charAt(i + 2))) {
          int k = i + 2;
          while (k < n && !isTagNameEnd(in.charAt(k))) {
            k++;
          }
          name = in.substring(i + 2, k).toLowerCase(Locale.ROOT);
          int g = in.indexOf('>', k);
          next = g < 0 ? n : g + 1;
        } else {
          i = in.startsWith("</>", i) ? i + 3 : gt + 1;
          continue;
        }
        flush(data, stack);
        endTag(name, stack);
        i = next;
      } else if (c == '<' && in.startsWith("<!--", i)) {
        int end = in.indexOf("-->", i + 4);
        if (end < 0) {
          data.append(in, i, n);
          break;
        }
        flush(data, stack);
        Node comment = new Node();
        comment.raw = "<!--" + in.substring(i + 4, end) + "-->";
        append(stack, comment);
        i = end + 3;
      } else if (c == '<' && i + 1 < n && (in.charAt(i + 1) == '!' || in.charAt(i + 1) == '?')) {
        int end = in.indexOf('>', i);
        if (end < 0) {
          data.append(in, i, n);
          break;
        }
        flush(data, stack);
        Node decl = new Node();
        decl.raw = in.substring(i, end + 1);
        append(stack, decl);
        i = end + 1;
      } else if (c == '&') {
        i = reference(in, i, data);
      } else {
        int j = i + 1;
        while (j < n && in.charAt(j) != '<' && in.charAt(j) != '&') {
          j++;
        }
        data.append(in, i, j);
        i = j;
      }
    }
    flush(data, stack);
    return root;
  }

  private static int reference(String in, int i, StringBuilder data) {
    Matcher charref = CHARREF.matcher(in).region(i, in.length());
    if (charref.lookingAt()) {
      String group = charref.group();
      String name = group.substring(2, group.length() - 1);
      int value;
      try {
        value = name.startsWith("x") || name.startsWith("X") ? Integer.parseInt(name.substring(1), 16)
            : Integer.parseInt(name);
      } catch (NumberFormatException e) {
        value = -1;
      }
      data.append(charref(value));
      int k = charref.end();
      return in.charAt(k - 1) == ';' ? k : k - 1;
    }
    Matcher entity = ENTITYREF.matcher(in).region(i, in.length());
    if (entity.lookingAt()) {
      String name = entity.group(1);
      String value = Entities.isNamedEntity(name) ? Entities.getByName(name) : null;
      data.append(value != null && !value.isEmpty() ? value : "&" + name);
      int k = entity.end();
      return in.charAt(k - 1) == ';' ? k : k - 1;
    }
    data.append('&');
    return i + 1;
  }

  /** bs4's numeric references: below 256 as windows-1252, else the code point; U+FFFD when impossible. */
  private static String charref(int value) {
    if (value >= 0 && value < 256) {
      byte[] b = {(byte) value};
      String s = new String(b, java.nio.charset.Charset.forName("windows-1252"));
      if (!s.equals("\uFFFD") && !(value >= 0x80 && value <= 0x9F && s.charAt(0) == value)) {
        return s;
      }
      return new String(Character.toChars(value));
    }
    if (value < 0 || value > 0x10FFFF) {
      return "\uFFFD";
    }
    return new String(Character.toChars(value));
  }

  /** Reads a start tag at {@code i}; returns the index after it, or -1 when it never ends. */
  private static int startTag(String in, int i, List<Node> stack, StringBuilder data) {
    int n = in.length();
    int k = i + 1;
    while (k < n && !isTagNameEnd(in.charAt(k))) {
      k++;
    }
    String name = in.substring(i + 1, k).toLowerCase(Locale.ROOT);
    Map<String, String> attributes = new LinkedHashMap<>();
    boolean selfClosing = false;
    while (true) {
      while (k < n && (Py.isSpace(in.charAt(k)) || (in.charAt(k) == '/' && !(k + 1 < n && in.charAt(k + 1) == '>')))) {
        k++;
      }
      if (k >= n) {
        return -1;
      }
      char c = in.charAt(k);
      if (c == '>') {
        k++;
        break;
      }
      if (c == '/' && k + 1 < n && in.charAt(k + 1) == '>') {
        k += 2;
        selfClosing = true;
        break;
      }
      int start = k;
      k++;
      while (k < n && !Py.isSpace(in.charAt(k)) && in.charAt(k) != '/' && in.charAt(k) != '=' && in.charAt(k) != '>') {
        k++;
      }
      String attr = in.substring(start, k).toLowerCase(Locale.ROOT);
      String value = "";
      int save = k;
      while (k < n && Py.isSpace(in.charAt(k))) {
        k++;
      }
      if (k < n && in.charAt(k) == '=') {
        while (k < n && in.charAt(k) == '=') {
          k++;
        }
        while (k < n && Py.isSpace(in.charAt(k))) {
          k++;
        }
        if (k < n && (in.charAt(k) == '"' || in.charAt(k) == '\'')) {
          int close = in.indexOf(in.charAt(k), k + 1);
          if (close < 0) {
            return -1;
          }
          value = unescape(in.substring(k + 1, close));
          k = close + 1;
        } else {
          int s = k;
          while (k < n && in.charAt(k) != '>' && !Py.isSpace(in.charAt(k))) {
            k++;
          }
          value = unescape(in.substring(s, k));
        }
      } else {
        k = save;
      }
      if (MULTI_VALUED.contains(attr)) {
        value = String.join(" ", value.strip().isEmpty() ? new String[0] : value.strip().split("\\s+"));
      }
      attributes.put(attr, value);
    }
    flush(data, stack);
    Node e = new Node();
    e.tag = name;
    e.attributes.putAll(attributes);
    append(stack, e);
    stack.add(e);
    if (selfClosing || VOID.contains(name)) {
      stack.remove(stack.size() - 1);
    } else if (name.equals("script") || name.equals("style")) {
      int end = in.toLowerCase(Locale.ROOT).indexOf("</" + name, k);
      int stop = end < 0 ? n : end;
      data.append(in, k, stop);
      return stop;
    }
    return k;
  }

  private static void endTag(String name, List<Node> stack) {
    int i = stack.size() - 1;
    while (i > 0 && !name.equals(stack.get(i).tag)) {
      i--;
    }
    if (i <= 0) {
      return;
    }
    while (stack.size() > i) {
      stack.remove(stack.size() - 1);
    }
  }

  private static void append(List<Node> stack, Node node) {
    Node parent = stack.get(stack.size() - 1);
    node.parent = parent;
    parent.children.add(node);
  }

  /** bs4's endData: a string of ASCII whitespace only becomes "\n" (if it has one) or " ", except inside pre. */
  private static void flush(StringBuilder data, List<Node> stack) {
    if (data.length() == 0) {
      return;
    }
    String s = data.toString();
    data.setLength(0);
    boolean preserve = stack.stream().anyMatch(e -> "pre".equals(e.tag) || "textarea".equals(e.tag));
    if (!preserve && s.chars().allMatch(ch -> ch == ' ' || ch == '\n' || ch == '\t' || ch == '\f' || ch == '\r')) {
      s = s.indexOf('\n') >= 0 ? "\n" : " ";
    }
    Node text = new Node();
    text.text = s;
    append(stack, text);
  }

  /** Python's html.unescape, for attribute values: named (HTML5) and numeric references. */
  private static String unescape(String s) {
    if (s.indexOf('&') < 0) {
      return s;
    }
    return Entities.unescape(s);
  }

  private static boolean isAsciiLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  private static boolean isTagNameEnd(char c) {
    return c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == ' ' || c == '/' || c == '>' || c == '\0';
  }
}
