package io.scriptorium.pipeline.eval;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ground truth of the labelled sets under a directory, found by file format wherever it lies (the directory may hold
 * one set or all of {@code shared/data}), keyed by the page image's file name:
 *
 * <ul>
 *   <li><b>OmniDocBench</b>: any {@code .json} holding one page object ({@code page_info} + {@code layout_dets}) or a
 *       list of them. Text: the text blocks with a reading order, not ignored, that are not tables, display formulas,
 *       figures, headers, footers, page numbers or footnotes, in reading order. Tables: {@code html} of {@code table}
 *       blocks; formulas: {@code latex} of {@code equation_isolated} blocks. Lines: each block's
 *       {@code line_with_spans}, spans that sit on one line merged; lines with inline math and lines of ignored
 *       blocks are not judged; tables, figures and display formulas are don't-care regions.
 *   <li><b>PubTabNet</b>: a {@code .jsonl} whose objects have {@code filename} and {@code html.structure}; the table
 *       HTML is rebuilt from the structure tokens and cell tokens (the standard reconstruction).
 *   <li><b>im2latex</b>: a {@code .jsonl} whose objects have {@code image} and {@code latex}.
 *   <li><b>Tesseract</b>: an image ({@code png, jpg, jpeg, tif, tiff}) with {@code <stem>.txt} (page text) and/or
 *       {@code <stem>.box} (one symbol per line, {@code symbol left bottom right top page}, origin bottom-left; symbols
 *       are grouped into lines). {@code <stem>-rotated-<side>} images share {@code <stem>.txt}.
 * </ul>
 *
 * <p>The set name is the directory holding the annotation (its parent for OmniDocBench's {@code gt_json}). When two
 * sets claim the same file name, the first one read (paths in sorted order) wins and a warning is logged.
 */
public final class TruthReaders {
  private static final Logger LOG = LoggerFactory.getLogger(TruthReaders.class);
  private static final Set<String> IMAGE_EXTENSIONS = Set.of("png", "jpg", "jpeg", "tif", "tiff");
  private static final Set<String> NOT_TEXT = Set.of("table", "equation_isolated", "figure", "header", "footer",
      "page_number", "page_footnote", "abandon", "table_mask", "need_mask", "text_mask");
  private static final Set<String> DONT_CARE_BLOCKS = Set.of("table", "figure", "equation_isolated");
  private static final Pattern ROTATED = Pattern.compile("(.+)-rotated-[A-Za-z0-9]+");
  private static final Set<String> INLINE_TAGS = Set.of("<b>", "</b>", "<i>", "</i>", "<sup>", "</sup>", "<sub>",
      "</sub>", "<strike>", "</strike>", "<underline>", "</underline>", "<overline>", "</overline>");

  private TruthReaders() {}

  /** Every page with ground truth under {@code dir}, keyed by image file name. */
  public static Map<String, GroundTruth> read(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("Ground-truth directory does not exist: " + dir);
    }
    ImageIO.scanForPlugins();
    Map<String, GroundTruth> truth = new LinkedHashMap<>();
    List<Path> files;
    try (Stream<Path> walk = Files.walk(dir)) {
      files = walk.filter(Files::isRegularFile).sorted(Comparator.comparing(Path::toString)).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list " + dir + ": " + e.getMessage(), e);
    }
    for (Path file : files) {
      String name = file.getFileName().toString();
      String ext = extension(name);
      try {
        if (ext.equals("json")) {
          omniDocBench(file).forEach(gt -> put(truth, gt));
        } else if (ext.equals("jsonl")) {
          jsonLines(file).forEach(gt -> put(truth, gt));
        } else if (IMAGE_EXTENSIONS.contains(ext)) {
          GroundTruth gt = tesseract(file);
          if (gt != null) {
            put(truth, gt);
          }
        }
      } catch (IOException | RuntimeException e) {
        LOG.warn("Skipping ground truth {}: {}", file, e.toString());
      }
    }
    return truth;
  }

  private static void put(Map<String, GroundTruth> truth, GroundTruth gt) {
    GroundTruth previous = truth.putIfAbsent(gt.id(), gt);
    if (previous != null && !previous.set().equals(gt.set())) {
      LOG.warn("Ground truth for {} found in {} and {}; using {}", gt.id(), previous.set(), gt.set(), previous.set());
    }
  }

  // ---------------------------------------------------------------------------------------------------- OmniDocBench

  static List<GroundTruth> omniDocBench(Path file) throws IOException {
    String json = Files.readString(file, StandardCharsets.UTF_8);
    if (!json.contains("\"layout_dets\"")) {
      return List.of();
    }
    JsonElement root = JsonParser.parseString(json);
    List<JsonObject> pages = new ArrayList<>();
    if (root.isJsonArray()) {
      root.getAsJsonArray().forEach(e -> {
        if (e.isJsonObject()) {
          pages.add(e.getAsJsonObject());
        }
      });
    } else if (root.isJsonObject()) {
      pages.add(root.getAsJsonObject());
    }
    Path setDir = file.getParent();
    if (setDir.getFileName() != null && setDir.getFileName().toString().equals("gt_json") && setDir.getParent() != null) {
      setDir = setDir.getParent();
    }
    String set = setDir.getFileName() == null ? "omnidocbench" : setDir.getFileName().toString();
    List<GroundTruth> out = new ArrayList<>();
    for (JsonObject page : pages) {
      if (page.has("page_info") && page.has("layout_dets")) {
        out.add(omniDocBenchPage(set, page));
      }
    }
    return out;
  }

  /** One OmniDocBench page object; see the class comment. */
  public static GroundTruth omniDocBenchPage(String set, JsonObject page) {
    String imagePath = string(page.getAsJsonObject("page_info"), "image_path");
    String id = imagePath == null ? "" : imagePath.substring(imagePath.lastIndexOf('/') + 1);
    record Block(int order, String category, JsonObject json) {}
    List<Block> ordered = new ArrayList<>();
    List<SpotMetrics.Line> lines = new ArrayList<>();
    List<SpotMetrics.Rect> dontCare = new ArrayList<>();
    for (JsonElement e : page.getAsJsonArray("layout_dets")) {
      JsonObject block = e.getAsJsonObject();
      String category = string(block, "category_type");
      boolean ignore = block.has("ignore") && !block.get("ignore").isJsonNull() && block.get("ignore").getAsBoolean();
      if (category != null && DONT_CARE_BLOCKS.contains(category) && block.has("poly")) {
        dontCare.add(rect(block.getAsJsonArray("poly")));
      }
      JsonElement order = block.get("order");
      if (order != null && !order.isJsonNull() && !ignore) {
        ordered.add(new Block(order.getAsInt(), category, block));
      }
      if (block.has("line_with_spans")) {
        boolean judged = !ignore && (category == null || !DONT_CARE_BLOCKS.contains(category));
        lines.addAll(spanLines(block.getAsJsonArray("line_with_spans"), judged));
      }
    }
    ordered.sort(Comparator.comparingInt(Block::order));
    StringBuilder text = new StringBuilder();
    List<String> tables = new ArrayList<>();
    List<String> formulas = new ArrayList<>();
    for (Block b : ordered) {
      if ("table".equals(b.category())) {
        String html = string(b.json(), "html");
        if (html != null && !html.isBlank()) {
          tables.add(html);
        }
      } else if ("equation_isolated".equals(b.category())) {
        String latex = string(b.json(), "latex");
        if (latex != null && !latex.isBlank()) {
          formulas.add(latex);
        }
      } else if (b.category() != null && !NOT_TEXT.contains(b.category())) {
        String t = string(b.json(), "text");
        if (t != null && !t.isBlank()) {
          if (text.length() > 0) {
            text.append("\n\n");
          }
          text.append(t);
        }
      }
    }
    return new GroundTruth(set, id, text.toString(), tables, formulas, lines, dontCare, omniTextBlocks(page));
  }

  private static final List<String> MIX_CATEGORIES = List.of("text_block", "title", "code_txt", "code_txt_caption",
      "reference", "equation_caption", "figure_caption", "figure_footnote", "table_caption", "table_footnote",
      "code_algorithm", "code_algorithm_caption", "header", "footer", "page_footnote", "page_number",
      "equation_isolated");

  /**
   * The blocks OmniDocBench's end-to-end protocol matches (its {@code get_page_elements} and {@code gt_mix}): blocks
   * linked by {@code truncated} relations merged into one (texts joined in reading order, the first block's category
   * and order), collected category by category, then sorted by order (a missing order counts as 0).
   */
  static List<OmniPageMatcher.TruthBlock> omniTextBlocks(JsonObject page) {
    List<List<Long>> merges = new ArrayList<>();
    java.util.Set<Long> truncated = new java.util.HashSet<>();
    JsonObject extra = page.has("extra") && page.get("extra").isJsonObject() ? page.getAsJsonObject("extra") : null;
    if (extra != null && extra.has("relation") && extra.get("relation").isJsonArray()) {
      for (JsonElement e : extra.getAsJsonArray("relation")) {
        JsonObject r = e.getAsJsonObject();
        if (!"truncated".equals(string(r, "relation_type"))) {
          continue;
        }
        long source = r.get("source_anno_id").getAsLong();
        long target = r.get("target_anno_id").getAsLong();
        truncated.add(source);
        truncated.add(target);
        boolean found = false;
        for (List<Long> merge : merges) {
          if (merge.contains(source) || merge.contains(target)) {
            merge.add(source);
            merge.add(target);
            found = true;
          }
        }
        if (!found) {
          merges.add(new ArrayList<>(List.of(source, target)));
        }
      }
    }
    record Item(String category, double order, String text) {}
    Map<String, List<Item>> byCategory = new LinkedHashMap<>();
    Map<Long, JsonObject> truncatedBlocks = new LinkedHashMap<>();
    for (JsonElement e : page.getAsJsonArray("layout_dets")) {
      JsonObject block = e.getAsJsonObject();
      long anno = block.has("anno_id") && !block.get("anno_id").isJsonNull() ? block.get("anno_id").getAsLong() : -1;
      if (truncated.contains(anno)) {
        truncatedBlocks.put(anno, block);
        continue;
      }
      String category = string(block, "category_type");
      String text = "equation_isolated".equals(category) ? string(block, "latex") : string(block, "text");
      byCategory.computeIfAbsent(category, k -> new ArrayList<>()).add(new Item(category, order(block), text));
    }
    for (List<Long> merge : merges) {
      List<JsonObject> blocks = new ArrayList<>();
      for (Long id : merge) {
        if (truncatedBlocks.containsKey(id)) {
          blocks.add(truncatedBlocks.get(id));
        }
      }
      if (blocks.isEmpty()) {
        continue;
      }
      blocks.sort(Comparator.comparingDouble(TruthReaders::order));
      StringBuilder text = new StringBuilder();
      blocks.forEach(b -> text.append(string(b, "text") == null ? "" : string(b, "text")));
      String category = string(blocks.get(0), "category_type");
      byCategory.computeIfAbsent(category, k -> new ArrayList<>())
          .add(new Item(category, order(blocks.get(0)), text.toString()));
    }
    List<Item> mix = new ArrayList<>();
    for (String category : MIX_CATEGORIES) {
      mix.addAll(byCategory.getOrDefault(category, List.of()));
    }
    mix.sort(Comparator.comparingDouble(Item::order));
    return mix.stream().map(i -> new OmniPageMatcher.TruthBlock(i.category(), i.text())).toList();
  }

  private static double order(JsonObject block) {
    JsonElement o = block.get("order");
    return o == null || o.isJsonNull() ? 0 : o.getAsDouble();
  }

  /** Consecutive spans whose vertical extents overlap by at least half the smaller height form one line. */
  private static List<SpotMetrics.Line> spanLines(JsonArray spans, boolean judged) {
    List<SpotMetrics.Line> lines = new ArrayList<>();
    SpotMetrics.Rect box = null;
    StringBuilder text = new StringBuilder();
    boolean math = false;
    for (JsonElement e : spans) {
      JsonObject span = e.getAsJsonObject();
      if (!span.has("poly")) {
        continue;
      }
      SpotMetrics.Rect r = rect(span.getAsJsonArray("poly"));
      String type = string(span, "category_type");
      boolean isMath = type != null && type.startsWith("equation");
      String t = isMath ? string(span, "latex") : string(span, "text");
      if (box != null && sameLine(box, r)) {
        box = box.union(r);
        text.append(' ').append(t == null ? "" : t);
        math |= isMath;
      } else {
        if (box != null) {
          lines.add(new SpotMetrics.Line(text.toString().strip(), box, !judged || math));
        }
        box = r;
        text.setLength(0);
        text.append(t == null ? "" : t);
        math = isMath;
      }
    }
    if (box != null) {
      lines.add(new SpotMetrics.Line(text.toString().strip(), box, !judged || math));
    }
    return lines;
  }

  private static boolean sameLine(SpotMetrics.Rect a, SpotMetrics.Rect b) {
    double overlap = Math.min(a.y2(), b.y2()) - Math.max(a.y1(), b.y1());
    double smaller = Math.min(a.y2() - a.y1(), b.y2() - b.y1());
    return smaller > 0 && overlap >= 0.5 * smaller && b.x1() >= a.x1();
  }

  private static SpotMetrics.Rect rect(JsonArray poly) {
    double x1 = Double.MAX_VALUE;
    double y1 = Double.MAX_VALUE;
    double x2 = -Double.MAX_VALUE;
    double y2 = -Double.MAX_VALUE;
    for (int i = 0; i + 1 < poly.size(); i += 2) {
      double x = poly.get(i).getAsDouble();
      double y = poly.get(i + 1).getAsDouble();
      x1 = Math.min(x1, x);
      x2 = Math.max(x2, x);
      y1 = Math.min(y1, y);
      y2 = Math.max(y2, y);
    }
    return new SpotMetrics.Rect(x1, y1, x2, y2);
  }

  // --------------------------------------------------------------------------------------------- PubTabNet, im2latex

  static List<GroundTruth> jsonLines(Path file) throws IOException {
    String set = file.getParent().getFileName().toString();
    List<GroundTruth> out = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (line.isBlank() || !line.strip().startsWith("{")) {
        continue;
      }
      JsonObject o = JsonParser.parseString(line).getAsJsonObject();
      if (o.has("filename") && o.has("html") && o.get("html").isJsonObject()) {
        out.add(new GroundTruth(set, o.get("filename").getAsString(), null,
            List.of(pubTabNetHtml(o.getAsJsonObject("html"))), List.of(), List.of(), List.of()));
      } else if (o.has("image") && o.has("latex")) {
        String image = o.get("image").getAsString();
        out.add(new GroundTruth(set, image.substring(image.lastIndexOf('/') + 1), null, List.of(),
            List.of(o.get("latex").getAsString()), List.of(), List.of()));
      }
    }
    return out;
  }

  /** The PubTabNet reconstruction: each cell's tokens go after its {@code <td>} (or the {@code >} of {@code <td}). */
  public static String pubTabNetHtml(JsonObject html) {
    JsonArray structure = html.getAsJsonObject("structure").getAsJsonArray("tokens");
    JsonArray cells = html.getAsJsonArray("cells");
    StringBuilder out = new StringBuilder("<table>");
    Iterator<JsonElement> cell = cells.iterator();
    boolean inOpenTag = false;
    for (JsonElement t : structure) {
      String token = t.getAsString();
      out.append(token);
      if (token.equals("<td")) {
        inOpenTag = true;
      }
      boolean cellStarts = token.equals("<td>") || (inOpenTag && token.equals(">"));
      if (cellStarts) {
        inOpenTag = false;
        if (cell.hasNext()) {
          for (JsonElement c : cell.next().getAsJsonObject().getAsJsonArray("tokens")) {
            String s = c.getAsString();
            out.append(INLINE_TAGS.contains(s) ? s : escape(s));
          }
        }
      }
    }
    return out.append("</table>").toString();
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  // ------------------------------------------------------------------------------------------------------- Tesseract

  static GroundTruth tesseract(Path image) throws IOException {
    String name = image.getFileName().toString();
    String stem = name.substring(0, name.lastIndexOf('.'));
    Path dir = image.getParent();
    Path txt = dir.resolve(stem + ".txt");
    Path box = dir.resolve(stem + ".box");
    if (!Files.isRegularFile(txt)) {
      Matcher rotated = ROTATED.matcher(stem);
      if (rotated.matches()) {
        txt = dir.resolve(rotated.group(1) + ".txt");
      }
    }
    boolean hasText = Files.isRegularFile(txt);
    boolean hasBox = Files.isRegularFile(box);
    if (!hasText && !hasBox) {
      return null;
    }
    List<SpotMetrics.Line> lines = hasBox ? boxLines(Files.readAllLines(box, StandardCharsets.UTF_8), imageHeight(image))
        : List.of();
    String text = hasText ? Files.readString(txt, StandardCharsets.UTF_8)
        : String.join("\n", lines.stream().map(SpotMetrics.Line::text).toList());
    return new GroundTruth(dir.getFileName().toString(), name, text, List.of(), List.of(), lines, List.of());
  }

  /**
   * Tesseract box lines ({@code symbol left bottom right top page}, origin bottom-left) grouped into text lines (top
   * left origin): symbols whose vertical extents overlap by half the smaller height share a line; a gap wider than
   * 0.4 line heights is a space.
   */
  public static List<SpotMetrics.Line> boxLines(List<String> boxFile, int imageHeight) {
    record Symbol(String text, SpotMetrics.Rect box) {}
    List<Symbol> symbols = new ArrayList<>();
    for (String raw : boxFile) {
      String[] f = raw.strip().split("\\s+");
      if (f.length < 6) {
        continue;
      }
      int n = f.length;
      double left = Double.parseDouble(f[n - 5]);
      double bottom = Double.parseDouble(f[n - 4]);
      double right = Double.parseDouble(f[n - 3]);
      double top = Double.parseDouble(f[n - 2]);
      String text = String.join(" ", java.util.Arrays.copyOfRange(f, 0, n - 5));
      symbols.add(new Symbol(text, new SpotMetrics.Rect(left, imageHeight - top, right, imageHeight - bottom)));
    }
    symbols.sort(Comparator.comparingDouble((Symbol s) -> (s.box().y1() + s.box().y2()) / 2));
    List<List<Symbol>> groups = new ArrayList<>();
    List<SpotMetrics.Rect> extents = new ArrayList<>();
    for (Symbol s : symbols) {
      int found = -1;
      for (int g = 0; g < groups.size() && found < 0; g++) {
        SpotMetrics.Rect e = extents.get(g);
        double overlap = Math.min(e.y2(), s.box().y2()) - Math.max(e.y1(), s.box().y1());
        double smaller = Math.min(e.y2() - e.y1(), s.box().y2() - s.box().y1());
        if (smaller > 0 && overlap >= 0.5 * smaller) {
          found = g;
        }
      }
      if (found < 0) {
        groups.add(new ArrayList<>(List.of(s)));
        extents.add(s.box());
      } else {
        groups.get(found).add(s);
        extents.set(found, extents.get(found).union(s.box()));
      }
    }
    List<SpotMetrics.Line> lines = new ArrayList<>();
    for (int g = 0; g < groups.size(); g++) {
      List<Symbol> line = new ArrayList<>(groups.get(g));
      line.sort(Comparator.comparingDouble(s -> s.box().x1()));
      SpotMetrics.Rect extent = extents.get(g);
      double height = extent.y2() - extent.y1();
      StringBuilder text = new StringBuilder();
      double previousRight = Double.NaN;
      for (Symbol s : line) {
        if (!Double.isNaN(previousRight) && s.box().x1() - previousRight > 0.4 * height) {
          text.append(' ');
        }
        text.append(s.text());
        previousRight = s.box().x2();
      }
      lines.add(new SpotMetrics.Line(text.toString(), extent));
    }
    lines.sort(Comparator.comparingDouble((SpotMetrics.Line l) -> l.box().y1()).thenComparingDouble(l -> l.box().x1()));
    return lines;
  }

  private static int imageHeight(Path image) throws IOException {
    return imageSize(image)[1];
  }

  /** {width, height} of an image file, from its header. */
  static int[] imageSize(Path image) throws IOException {
    try (ImageInputStream in = ImageIO.createImageInputStream(image.toFile())) {
      Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
      if (readers == null || !readers.hasNext()) {
        throw new IOException("no image reader for " + image);
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        return new int[] {reader.getWidth(0), reader.getHeight(0)};
      } finally {
        reader.dispose();
      }
    }
  }

  private static String string(JsonObject o, String key) {
    JsonElement e = o == null ? null : o.get(key);
    return e == null || e.isJsonNull() ? null : e.getAsString();
  }

  private static String extension(String name) {
    int dot = name.lastIndexOf('.');
    return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
  }
}
