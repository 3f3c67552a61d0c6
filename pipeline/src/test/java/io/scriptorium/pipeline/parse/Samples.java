package io.scriptorium.pipeline.parse;

import io.scriptorium.testing.SharedData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Literal model outputs quoted in shared/docs/hunyuanocr.md §2 (verbatim, or reconstructed where the doc says so),
 * and readers for the real ground truth in shared/data. Nothing from shared/ is copied into the repository.
 */
final class Samples {
  // §2.1 spotting, HF-decoded with special tokens skipped.
  static final String SPOT_SHIP = "顺利上岸(231,392),(764,632)LAMAR(446,850),(559,878)05483(934,835),(997,870)";
  static final String SPOT_DAZI = "搭子(139,586),(874,986)";
  static final String SPOT_HERBAL = "7.脾虚呕吐(126,106),(246,123)【表现】(171,137),(242,154)";
  static final String SPOT_BROWSER = "Lab mouse portrait(142,15),(251,33)huggingface.co/chat/conversation/"
      + "6655bacb6dfed1a136...(156,76),(545,99)R(644,78),(654,93)";
  static final String SPOT_MRZ = "<pos_16><pos_121><pos_981><pos_321>P<USATRAVELER<<HAPPY...";
  /** §2.1 "reconstructed raw form", completed with the third item of {@link #SPOT_SHIP}. */
  static final String SPOT_SHIP_RAW = "<ref>顺利上岸</ref><quad>(231,392),(764,632)</quad><ref>LAMAR</ref>"
      + "<quad>(446,850),(559,878)</quad><ref>05483</ref><quad>(934,835),(997,870)</quad>";

  // §2.2 document parsing.
  static final String FIG_README = "<pFig>第10题解图</pFig><quad>(204,50),(325,111)</quad>";
  static final String INLINE_README = "11.$ x\\geq - 1 $且$ x\\ne 0 $";
  static final String INLINE_README_2 = "13.$ \\frac{2}{9} $ 【解析】...";
  static final String FIG_EOLE = "<pFig>Figure 4 | To test model performance under different compression ratios ... "
      + "multiple resolution modes.</pFig><quad>(108,56),(875,240)</quad>";
  static final String TABLE_EOLE = "<table><caption>Table 1 | Multi resolution support of DeepEncoder. ...</caption>"
      + "<tr><td></td><td colspan=\"4\">Native Resolution</td><td colspan=\"2\">Dynamic Resolution</td></tr>"
      + "<tr><td>Mode</td><td>Tiny</td>...</table>";
  static final String HEADING_EOLE = "## 3.2.2. Multiple resolution support";
  static final String DISPLAY_EOLE =
      "$$ N_{valid}=\\lceil N_{actual}\\times[1-((max(w,h)-min(w,h))/(max(w,h)))] \\rceil $$";
  static final String LATEX_EOLE = "N_{valid}=\\lceil N_{actual}\\times[1-((max(w,h)-min(w,h))/(max(w,h)))] \\rceil";
  static final String THYROXINE = "LAB VALUES: May decrease total free thyroxine ($ T_{1} $) serum levels...";
  static final String THEOREM = "(4.51) Theorem. If $ N\\subset\\widehat{G} $ is closed, then $ \\nu(\\iota(N))=N $.";
  static final String BARE_FIGURE = "(3,69),(180,999)";
  static final String TRAILING_COORDS = "数据来源于高德地图驾车导航数据(39,337),(512,900)";
  static final String DEGENERATE = "(156,68),(783,758)";

  // §2.4 information extraction: the README's taxi receipt, pretty-printed with 4-space indent and fenced.
  static final String IE_TAXI = """
      ```json
      {
          "单价": "3.00",
          "上车时间": "09:01",
          "发票号码": "42609332",
          "省前缀": "陕",
          "总金额": "￥77.10元",
          "发票代码": "161002018100",
          "下车时间": "09:51",
          "里程数": "26.1km"
      }
      ```""";
  static final String IE_TAXI_ONE_LINE = "{\"单价\": \"3.00\", \"上车时间\": \"09:01\", \"发票号码\": \"42609332\", "
      + "\"省前缀\": \"陕\", \"总金额\": \"￥77.10元\", \"发票代码\": \"161002018100\", \"下车时间\": \"09:51\", "
      + "\"里程数\": \"26.1km\"}";

  // §2.5 subtitles.
  static final String SUBTITLES = "对不起 我是诺曼·斯佩尔曼\nSorry, I'm Norm. Spellman.";

  static final List<String> LITERALS = List.of(SPOT_SHIP, SPOT_DAZI, SPOT_HERBAL, SPOT_BROWSER, SPOT_MRZ,
      SPOT_SHIP_RAW, FIG_README, INLINE_README, INLINE_README_2, FIG_EOLE, TABLE_EOLE, HEADING_EOLE, DISPLAY_EOLE,
      THYROXINE, THEOREM, BARE_FIGURE, TRAILING_COORDS, DEGENERATE, IE_TAXI, IE_TAXI_ONE_LINE, SUBTITLES);

  private Samples() {}

  /** shared/data; skips the calling test without it. */
  static Path data() {
    return SharedData.dir();
  }

  static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<String> lines(Path file) {
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The OmniDocBench page names (file names without extension), sorted. */
  static List<String> omniPages() {
    try (Stream<Path> files = Files.list(data().resolve("omnidocbench-demo/gt_md"))) {
      List<String> names = new ArrayList<>();
      files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".md"))
          .forEach(n -> names.add(n.substring(0, n.length() - 3)));
      names.sort(null);
      return names;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every real text the property tests mutate: literals, OmniDocBench pages, PubTabNet tables, some formulas. */
  static List<String> corpus() {
    List<String> all = new ArrayList<>(LITERALS);
    for (String page : omniPages()) {
      all.add(read(data().resolve("omnidocbench-demo/gt_md/" + page + ".md")));
    }
    for (PubTabNet.Example e : PubTabNet.examples()) {
      all.add(e.html());
    }
    List<String> formulas = Im2Latex.formulas();
    for (int i = 0; i < formulas.size(); i += 10) {
      all.add("$$ " + formulas.get(i) + " $$");
    }
    return all;
  }
}
