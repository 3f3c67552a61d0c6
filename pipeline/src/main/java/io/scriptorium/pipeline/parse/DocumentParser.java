package io.scriptorium.pipeline.parse;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits a document-parsing (or translation) answer into blocks in one pass over its lines.
 *
 * <p>Tables ({@code <table>..</table>}) and figure tags ({@code <pFig>..</pFig><quad>..</quad>}) are found anywhere
 * in a line; the text before them becomes a paragraph of its own. Display math ({@code $$}, {@code \[},
 * {@code \begin{env}}), fences, headings, list items, Markdown images, pipe tables and figure lines (a line ending in
 * {@code (x1,y1),(x2,y2)}: the figure box with special tokens skipped) start at the beginning of a line. Everything
 * else is paragraph text, running until a blank line or the start of another block.
 *
 * <p>Structures without an end (a {@code <table>} or {@code $$} never closed) end at the next blank line, or the end
 * of the output with a {@link ParseWarning#TRUNCATED} warning, so one broken block cannot swallow the page. A line
 * holding only an equation number such as {@code (13)} right after a display formula becomes that formula's number.
 */
final class DocumentParser {
  private static final Pattern BULLET = Pattern.compile("[-*+•][ \\t]+.*", Pattern.DOTALL);
  private static final Pattern NUMBERED = Pattern.compile("\\d{1,9}[.)][ \\t]+.*", Pattern.DOTALL);
  private static final Pattern IMAGE = Pattern.compile("!\\[([^\\]]*)\\]\\([^)]*\\)");
  private static final int TABLE_OPEN_LENGTH = "<table".length();
  private static final int TABLE_CLOSE_LENGTH = "</table".length();
  private static final String PFIG = "<pFig>";
  private static final String PFIG_END = "</pFig>";
  private static final String QUAD = "<quad>";
  private static final String QUAD_END = "</quad>";

  private final String s;
  private final int n;
  private final Warnings warnings;
  private final Finder tableOpens;
  private final Finder tableCloses;
  private final Finder figureOpens;
  private final Finder figureCloses;
  private final BlankLines blankLines;
  private int noFenceCloseFrom = Integer.MAX_VALUE;

  private final List<Block> blocks = new ArrayList<>();
  private final List<Table> tables = new ArrayList<>();
  private final List<Formula> formulas = new ArrayList<>();
  private final List<Figure> figures = new ArrayList<>();
  private final List<ParseWarning> nested = new ArrayList<>();

  private DocumentParser(String s, Warnings warnings) {
    this.s = s;
    this.n = s.length();
    this.warnings = warnings;
    this.tableOpens = new Finder(s, "<table", true);
    this.tableCloses = new Finder(s, "</table", true);
    this.figureOpens = new Finder(s, PFIG, true);
    this.figureCloses = new Finder(s, PFIG_END, true);
    this.blankLines = new BlankLines(s);
  }

  static ParsedDocument parse(String raw) {
    Warnings w = new Warnings();
    String text = RepetitionTrimmer.prepare(raw, w).replace("\r\n", "\n").replace('\r', '\n');
    text = Fences.unwrap(text, Set.of("markdown", "md"));
    text = SpecialTokens.strip(text, w);
    if (text.isBlank()) {
      w.add(ParseWarning.EMPTY_OUTPUT, "no document output");
      return new ParsedDocument(List.of(), List.of(), List.of(), List.of(), w.list());
    }
    DocumentParser p = new DocumentParser(text, w);
    p.run();
    w.addAll(p.nested);
    return new ParsedDocument(p.blocks, p.tables, p.formulas, p.figures, w.list());
  }

  private void run() {
    int pos = 0;
    while (pos < n) {
      int eol = lineEnd(pos);
      int first = firstNonSpace(pos, eol);
      if (first == eol) {
        pos = eol + 1;
        continue;
      }
      int table = tableOpen(pos, eol);
      int figure = figureOpens.next(pos, eol);
      int inline = table < 0 ? figure : figure < 0 ? table : Math.min(table, figure);
      if (inline >= 0) {
        if (!s.substring(pos, inline).isBlank()) {
          paragraph(s.substring(pos, inline));
        }
        pos = inline == table ? table(table) : figureTag(figure);
      } else {
        pos = lineBlock(first, eol);
      }
    }
  }

  /** A block that starts at the beginning of a line ({@code first} is its first non-space char). */
  private int lineBlock(int first, int eol) {
    if (s.startsWith("```", first) || s.startsWith("~~~", first)) {
      return fence(first, eol);
    }
    if (s.startsWith("$$", first)) {
      return display(first, "$$", "$$");
    }
    if (s.startsWith("\\[", first)) {
      return display(first, "\\[", "\\]");
    }
    String environment = environmentAt(first, eol);
    if (environment != null) {
      return environment(first, environment);
    }
    String line = s.substring(first, eol).strip();
    int level = headingLevel(line);
    if (level > 0) {
      emitText(BlockKind.HEADING, level, headingText(line, level));
      return eol;
    }
    Matcher image = IMAGE.matcher(line);
    if (line.startsWith("![") && image.matches()) {
      String alt = image.group(1).strip();
      addFigure(alt, null, false);
      return eol;
    }
    BoxScanner.Match box = boxAtLineEnd(first, eol);
    if (box != null) {
      addFigure(caption(s.substring(first, box.start())), box, true);
      return eol;
    }
    if (line.charAt(0) == '|' && isPipeRule(eol + 1)) {
      return pipeTable(first, eol);
    }
    if (BULLET.matcher(line).matches()) {
      int end = continuation(eol);
      String item = s.substring(first, end).strip();
      emitText(BlockKind.LIST_ITEM, 0, item.substring(1).strip());
      return end;
    }
    if (NUMBERED.matcher(line).matches()) {
      int end = continuation(eol);
      emitText(BlockKind.LIST_ITEM, 0, s.substring(first, end).strip());
      return end;
    }
    int end = continuation(eol);
    paragraph(s.substring(first, end));
    return end;
  }

  /** Where paragraph text that started on the line ending at {@code eol} ends: a blank line or another block. */
  private int continuation(int eol) {
    int end = eol;
    while (end < n) {
      int next = end + 1;
      int nextEol = lineEnd(next);
      int first = firstNonSpace(next, nextEol);
      if (first == nextEol || startsBlock(next, first, nextEol)) {
        break;
      }
      end = nextEol;
    }
    return end;
  }

  private boolean startsBlock(int lineStart, int first, int eol) {
    char c = s.charAt(first);
    if (tableOpen(lineStart, eol) >= 0 || figureOpens.next(lineStart, eol) >= 0) {
      return true;
    }
    if (s.startsWith("```", first) || s.startsWith("~~~", first) || s.startsWith("$$", first)
        || s.startsWith("\\[", first) || environmentAt(first, eol) != null) {
      return true;
    }
    String line = s.substring(first, eol).strip();
    if (c == '#' && headingLevel(line) > 0) {
      return true;
    }
    if (c == '!' && IMAGE.matcher(line).matches()) {
      return true;
    }
    if ((c == '-' || c == '*' || c == '+' || c == '•') && BULLET.matcher(line).matches()) {
      return true;
    }
    if (Character.isDigit(c) && NUMBERED.matcher(line).matches()) {
      return true;
    }
    if (c == '|' && isPipeRule(eol + 1)) {
      return true;
    }
    return boxAtLineEnd(first, eol) != null;
  }

  // ---- headings

  /** 1..6 for an ATX heading line ({@code #} marks then a space or the end), else 0. */
  private static int headingLevel(String line) {
    int level = 0;
    while (level < line.length() && line.charAt(level) == '#') {
      level++;
    }
    if (level == 0 || level > 6) {
      return 0;
    }
    return level == line.length() || line.charAt(level) == ' ' || line.charAt(level) == '\t' ? level : 0;
  }

  /** The heading's text without its marks and without closing marks ({@code ## Title ##}). */
  private static String headingText(String line, int level) {
    String text = line.substring(level).strip();
    int end = text.length();
    while (end > 0 && text.charAt(end - 1) == '#') {
      end--;
    }
    if (end == 0 || (end < text.length() && (text.charAt(end - 1) == ' ' || text.charAt(end - 1) == '\t'))) {
      text = text.substring(0, end).strip();
    }
    return text;
  }

  // ---- tables

  /** The first {@code <table} tag (not {@code <tablefoo}) in {@code [from, eol)}, or -1. */
  private int tableOpen(int from, int eol) {
    int i = tableOpens.next(from, eol);
    while (i >= 0) {
      int after = i + TABLE_OPEN_LENGTH;
      if (after >= n || s.charAt(after) == '>' || s.charAt(after) == '/' || Character.isWhitespace(s.charAt(after))) {
        return i;
      }
      i = tableOpens.next(after, eol);
    }
    return -1;
  }

  private int table(int open) {
    int limit = blankLines.next(open);
    int end = tableEnd(open, limit);
    if (end < 0) {
      end = limit;
      if (limit >= n) {
        warnings.add(ParseWarning.TRUNCATED, "table at block " + blocks.size() + " not closed at the end of output");
      } else {
        warnings.add(ParseWarning.MALFORMED_MARKUP,
            "table at block " + blocks.size() + " not closed before a blank line");
      }
    }
    int order = blocks.size();
    Table table = TableParser.parse(s.substring(open, end), order, new Warnings());
    tables.add(table);
    for (ParseWarning w : table.warnings()) {
      nested.add(new ParseWarning(w.code(), "table at block " + order + ": " + w.message()));
    }
    blocks.add(new Block(order, BlockKind.TABLE, 0, table.sanitisedHtml(), List.of()));
    return end;
  }

  /** Just past the {@code </table>} that closes the table opened at {@code open}, or -1 before {@code limit}. */
  private int tableEnd(int open, int limit) {
    int depth = 0;
    int p = open;
    while (true) {
      int o = tableOpens.next(p, limit);
      int c = tableCloses.next(p, limit);
      if (c < 0) {
        return -1;
      }
      if (o >= 0 && o < c) {
        depth++;
        p = o + TABLE_OPEN_LENGTH;
        continue;
      }
      depth--;
      p = c + TABLE_CLOSE_LENGTH;
      if (depth <= 0) {
        int gt = p;
        while (gt < limit && gt < p + 16 && s.charAt(gt) != '>') {
          gt++;
        }
        return gt < limit && s.charAt(gt) == '>' ? gt + 1 : p;
      }
    }
  }

  // ---- figures

  /** {@code <pFig>caption</pFig>} followed by a box in {@code <quad>} tags, in bare form, or missing. */
  private int figureTag(int open) {
    int captionStart = open + PFIG.length();
    int limit = blankLines.next(captionStart);
    int close = figureCloses.next(captionStart, limit);
    int after;
    String caption;
    if (close < 0) {
      int eol = lineEnd(captionStart);
      caption = s.substring(captionStart, eol);
      after = eol;
      warnings.add(ParseWarning.MALFORMED_MARKUP, "<pFig> without </pFig> at block " + blocks.size());
    } else {
      caption = s.substring(captionStart, close);
      after = close + PFIG_END.length();
    }
    int eol = lineEnd(after);
    int p = skipSpaces(after, eol);
    boolean quad = s.regionMatches(true, p, QUAD, 0, QUAD.length());
    BoxScanner.Match box = BoxScanner.matchAt(s, quad ? p + QUAD.length() : p, eol);
    if (box != null) {
      after = box.end();
      int q = skipSpaces(after, eol);
      if (s.regionMatches(true, q, QUAD_END, 0, QUAD_END.length())) {
        after = q + QUAD_END.length();
      }
    } else if (quad) {
      after = p + QUAD.length();
    }
    addFigure(caption.strip(), box, true);
    return after;
  }

  /** A coordinate pair ending the line (optionally inside {@code <quad>} tags): a figure with special tokens lost. */
  private BoxScanner.Match boxAtLineEnd(int first, int eol) {
    int end = eol;
    while (end > first && BoxScanner.isSpace(s.charAt(end - 1))) {
      end--;
    }
    if (end - first >= QUAD_END.length() && s.regionMatches(true, end - QUAD_END.length(), QUAD_END, 0,
        QUAD_END.length())) {
      end -= QUAD_END.length();
    }
    return BoxScanner.findEndingAt(s, first, end);
  }

  private static String caption(String before) {
    String c = before.strip();
    for (String tag : List.of(QUAD, PFIG_END, PFIG)) {
      if (c.regionMatches(true, Math.max(0, c.length() - tag.length()), tag, 0, tag.length())
          && c.length() >= tag.length()) {
        c = c.substring(0, c.length() - tag.length()).strip();
      }
    }
    return c;
  }

  private void addFigure(String caption, BoxScanner.Match box, boolean boxExpected) {
    int order = blocks.size();
    String text = caption == null ? "" : caption;
    if (box == null && boxExpected) {
      warnings.add(ParseWarning.MISSING_BOX, "figure at block " + order + " has no readable box");
    }
    if (box != null && box.outOfGrid()) {
      warnings.add(ParseWarning.BOX_CLAMPED, "figure box at block " + order + " clamped to 0..1000");
    }
    if (box != null && box.reversed()) {
      warnings.add(ParseWarning.MALFORMED_BOX, "figure box at block " + order + " has its corners reversed");
    }
    figures.add(new Figure(order, text.isEmpty() ? null : text, box == null ? null : box.box()));
    blocks.add(new Block(order, BlockKind.FIGURE, 0, text, List.of()));
  }

  // ---- formulas

  private int display(int open, String opener, String closer) {
    int contentStart = open + opener.length();
    int limit = blankLines.next(contentStart);
    int close = Latex.findClose(s, contentStart, limit, closer);
    Warnings w = new Warnings();
    int end;
    String content;
    if (close < 0) {
      content = s.substring(contentStart, limit);
      end = limit;
      if (limit >= n) {
        w.add(ParseWarning.TRUNCATED, opener + " formula not closed at the end of output");
      } else {
        w.add(ParseWarning.UNBALANCED_LATEX, opener + " formula not closed before a blank line");
      }
    } else {
      content = s.substring(contentStart, close);
      end = close + closer.length();
    }
    addDisplay(content, w);
    return end;
  }

  /** {@code \begin{name}} at {@code first} with a name, else null. */
  private String environmentAt(int first, int eol) {
    if (!s.startsWith("\\begin", first)) {
      return null;
    }
    int p = skipSpaces(first + "\\begin".length(), eol);
    if (p >= eol || s.charAt(p) != '{') {
      return null;
    }
    int close = indexOf(s, "}", p, Math.min(eol, p + 64));
    if (close < 0) {
      return null;
    }
    String name = s.substring(p + 1, close).strip();
    return name.isEmpty() ? null : name;
  }

  private int environment(int first, String name) {
    int limit = blankLines.next(first);
    String closer = "\\end{" + name + "}";
    int close = indexOf(s, closer, first, limit);
    Warnings w = new Warnings();
    int end;
    if (close < 0) {
      end = limit;
      w.add(limit >= n ? ParseWarning.TRUNCATED : ParseWarning.UNBALANCED_LATEX,
          "\\begin{" + name + "} not closed");
    } else {
      end = close + closer.length();
    }
    addDisplay(s.substring(first, end), w);
    return end;
  }

  private void addDisplay(String content, Warnings w) {
    if (content.isBlank()) {
      nested.addAll(w.list());
      warnings.add(ParseWarning.UNBALANCED_LATEX, "empty display formula at block " + blocks.size());
      return;
    }
    int order = blocks.size();
    Formula f = FormulaParser.of(content, true, order, 0, w);
    formulas.add(f);
    addNested("formula at block " + order, f.warnings());
    blocks.add(new Block(order, BlockKind.DISPLAY_FORMULA, 0, f.latex(), List.of()));
  }

  // ---- fences and pipe tables

  private int fence(int first, int eol) {
    String marker = s.substring(first, first + 3);
    String language = Fences.language(s, first, eol);
    int contentStart = Math.min(n, eol + 1);
    int closeLine = -1;
    if (contentStart < noFenceCloseFrom) {
      int p = contentStart;
      while (p < n) {
        int le = lineEnd(p);
        int fs = firstNonSpace(p, le);
        if (s.startsWith(marker, fs)) {
          closeLine = p;
          break;
        }
        p = le + 1;
      }
      if (closeLine < 0) {
        noFenceCloseFrom = contentStart;
      }
    }
    int contentEnd = closeLine < 0 ? n : Math.max(contentStart, closeLine - 1);
    int end = closeLine < 0 ? n : lineEnd(closeLine);
    if (closeLine < 0) {
      warnings.add(ParseWarning.TRUNCATED, "code fence at block " + blocks.size() + " not closed");
    }
    String body = s.substring(contentStart, Math.max(contentStart, contentEnd));
    switch (language) {
      case "mermaid" -> emitPlain(BlockKind.CHART, body.strip());
      case "latex", "tex", "math" -> {
        if (body.isBlank()) {
          emitPlain(BlockKind.CODE, "");
        } else {
          addDisplay(body, new Warnings());
        }
      }
      default -> emitPlain(BlockKind.CODE, body);
    }
    return end;
  }

  /** Whether the line starting at {@code lineStart} is a pipe-table rule such as {@code |---|:--:|}. */
  private boolean isPipeRule(int lineStart) {
    if (lineStart >= n) {
      return false;
    }
    int eol = lineEnd(lineStart);
    boolean pipe = false;
    boolean dash = false;
    for (int i = lineStart; i < eol; i++) {
      char c = s.charAt(i);
      if (c == '|') {
        pipe = true;
      } else if (c == '-') {
        dash = true;
      } else if (c != ':' && c != ' ' && c != '\t') {
        return false;
      }
    }
    return pipe && dash;
  }

  private int pipeTable(int first, int eol) {
    int end = eol;
    while (end < n) {
      int next = end + 1;
      int nextEol = lineEnd(next);
      int fs = firstNonSpace(next, nextEol);
      if (fs == nextEol || s.charAt(fs) != '|') {
        break;
      }
      end = nextEol;
    }
    emitPlain(BlockKind.CHART, s.substring(first, end).strip());
    return end;
  }

  // ---- text blocks

  private void paragraph(String raw) {
    String text = raw.strip();
    if (!blocks.isEmpty() && blocks.get(blocks.size() - 1).kind() == BlockKind.DISPLAY_FORMULA) {
      Matcher number = FormulaParser.NUMBER_LINE.matcher(text);
      Formula last = formulas.get(formulas.size() - 1);
      if (last.equationNumber() == null && number.matches()) {
        formulas.set(formulas.size() - 1, last.withEquationNumber(number.group(1)));
        return;
      }
    }
    emitText(BlockKind.PARAGRAPH, 0, text);
  }

  private void emitText(BlockKind kind, int level, String text) {
    int order = blocks.size();
    List<InlineFormula> inline = new ArrayList<>();
    int position = 0;
    for (InlineMath.Span span : InlineMath.scan(text)) {
      Formula f = FormulaParser.of(text.substring(span.contentStart(), span.contentEnd()), span.display(), order,
          position++, new Warnings());
      formulas.add(f);
      addNested("formula " + f.position() + " of block " + order, f.warnings());
      inline.add(new InlineFormula(span.start(), span.end(), f.latex()));
    }
    blocks.add(new Block(order, kind, level, text, inline));
  }

  private void emitPlain(BlockKind kind, String text) {
    blocks.add(new Block(blocks.size(), kind, 0, text, List.of()));
  }

  private void addNested(String where, List<ParseWarning> list) {
    for (ParseWarning w : list) {
      nested.add(new ParseWarning(w.code(), where + ": " + w.message()));
    }
  }

  // ---- lines

  /** {@code indexOf} that does not look at or past {@code limit}. */
  private static int indexOf(String s, String needle, int from, int limit) {
    int last = limit - needle.length();
    char first = needle.charAt(0);
    for (int i = from; i <= last; i++) {
      if (s.charAt(i) == first && s.startsWith(needle, i)) {
        return i;
      }
    }
    return -1;
  }

  private int lineEnd(int from) {
    if (from >= n) {
      return n;
    }
    int i = s.indexOf('\n', from);
    return i < 0 ? n : i;
  }

  private int firstNonSpace(int from, int eol) {
    int i = from;
    while (i < eol && Character.isWhitespace(s.charAt(i))) {
      i++;
    }
    return i;
  }

  private int skipSpaces(int from, int eol) {
    int i = from;
    while (i < eol && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
      i++;
    }
    return i;
  }

  /** The start of the next blank line (a '\n' followed by a whitespace-only line), or the end; remembered. */
  private static final class BlankLines {
    private final String s;
    private int askedFrom = Integer.MAX_VALUE;
    private int found;

    BlankLines(String s) {
      this.s = s;
    }

    int next(int from) {
      if (from >= askedFrom && found >= from) {
        return found;
      }
      askedFrom = from;
      found = search(from);
      return found;
    }

    private int search(int from) {
      int n = s.length();
      int i = s.indexOf('\n', from);
      while (i >= 0) {
        int j = i + 1;
        while (j < n && s.charAt(j) != '\n' && Character.isWhitespace(s.charAt(j))) {
          j++;
        }
        if (j >= n) {
          return n;
        }
        if (s.charAt(j) == '\n') {
          return i;
        }
        i = s.indexOf('\n', j);
      }
      return n;
    }
  }
}
