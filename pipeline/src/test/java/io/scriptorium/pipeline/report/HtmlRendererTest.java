package io.scriptorium.pipeline.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.scriptorium.testing.UnitTest;
import java.util.List;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Attribute;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;

/** The renderer alone: hostile strings anywhere become text, tables keep only table markup, the CSP pins the style. */
@UnitTest
class HtmlRendererTest {
  private static final String EVIL = "<script>document.title='pwned'</script><img src=x onerror=alert(1)>\"'&";

  private static ReportPage page(String status, List<ReportPage.Output> outputs, List<ReportPage.SpotLine> spots) {
    return new ReportPage(1, "id" + EVIL, "file:/in/" + EVIL + ".png", 1, "png" + EVIL, status, "cls" + EVIL,
        "msg" + EVIL, 1000, 800, "col" + EVIL, "2026-11-24", "run" + EVIL,
        new ReportPage.PageImage("img/page-0001.png", 500, 400), null, outputs, spots);
  }

  @Test
  void everyHostileStringIsText() {
    List<ReportPage.Output> outputs = List.of(
        new ReportPage.Output("parse", "# " + EVIL + "\n\n" + EVIL + "\n\n<table><tr><td onclick=x()>a" + EVIL
            + "</td><td colspan=2 style=\"x\">b</td></tr></table>\n\n$$" + EVIL + "$$\n\n"
            + "<pFig>" + EVIL + "</pFig><quad>(100,100),(500,500)</quad>", "stop", "r" + EVIL),
        new ReportPage.Output("table", "<table><tr><th>" + EVIL + "</th></tr></table>", "length", "r"),
        new ReportPage.Output("formula", "$$" + EVIL + "$$", "stop", "r"),
        new ReportPage.Output(EVIL, EVIL, EVIL, "r"));
    List<ReportPage.SpotLine> spots = List.of(new ReportPage.SpotLine(0, EVIL, 10, 10, 200, 40),
        new ReportPage.SpotLine(1, EVIL, null, null, null, null));
    for (String html : List.of(HtmlRenderer.page(page("failed", outputs, spots), 3),
        HtmlRenderer.index(List.of(page("ok", outputs, spots)), "status = '" + EVIL + "'"))) {
      Document doc = Jsoup.parse(html);
      assertThat(doc.select("script, iframe, object, embed, link, base, form")).isEmpty();
      assertThat(doc.select("img")).hasSizeLessThanOrEqualTo(1);
      for (Element e : doc.getAllElements()) {
        for (Attribute a : e.attributes()) {
          assertThat(a.getKey()).doesNotStartWith("on").isNotEqualTo("style");
        }
      }
      assertThat(doc.title()).doesNotContain("pwned");
      assertThat(doc.text()).contains("document.title='pwned'");
    }
    Document page = Jsoup.parse(HtmlRenderer.page(page("ok", outputs, spots), 1));
    assertThat(page.select("td[colspan=2]")).hasSize(1);
    assertThat(page.select("svg rect.spot")).hasSize(1);
    assertThat(page.select("svg rect.figure")).hasSize(1);
    assertThat(page.select("svg rect.figure").attr("x")).isEqualTo("100"); // 100/1000 of 1000 px
  }

  @Test
  void theCspAllowsExactlyTheInlineStyle() {
    Document doc = Jsoup.parse(HtmlRenderer.index(List.of(), "true"));
    String csp = doc.selectFirst("meta[http-equiv=Content-Security-Policy]").attr("content");
    assertThat(csp).isEqualTo(HtmlRenderer.CSP).startsWith("default-src 'none'; img-src 'self'; style-src 'sha256-");
    assertThat(doc.selectFirst("style").data()).isEqualTo(HtmlRenderer.CSS);
    assertThat(csp).contains(Html.styleHash(doc.selectFirst("style").data()));
    assertThat(doc.text()).contains("No page matches the selection.");
  }

  @Test
  void hostileTextInOutputsIsWrittenEscaped() {
    String hostile = "<script>alert(\"x\")</script> & 'q' \"dq\" &amp; \u0000";
    ReportPage page = new ReportPage(1, "id", "file:/in/a&b\".png", 1, "png", "ok", null, null, 100, 100, "c",
        "2026-11-24", "run", new ReportPage.PageImage("img/a\"b&c.png", 10, 10), null,
        List.of(new ReportPage.Output("text", hostile, "stop", "r")),
        List.of(new ReportPage.SpotLine(0, hostile, 1, 1, 5, 5)));
    String html = HtmlRenderer.page(page, 1);

    assertThat(html).doesNotContain("<script").doesNotContain("\u0000")
        .contains("&lt;script&gt;alert(\"x\")&lt;/script&gt; &amp; 'q' \"dq\" &amp;amp; \uFFFD")
        .contains("src=\"img/a&quot;b&amp;c.png\"");
    Document doc = Jsoup.parse(html);
    String shown = hostile.replace('\u0000', '\uFFFD');
    assertThat(doc.select("pre.raw").text()).isEqualTo(shown);
    assertThat(doc.select("svg rect.spot title").text()).isEqualTo(shown);
    assertThat(doc.selectFirst("img").attr("src")).isEqualTo("img/a\"b&c.png");
    assertThat(doc.selectFirst("h1").text()).isEqualTo("a&b\".png · page 1");
    assertThat(html).as("SVG attribute names keep their case").contains("viewBox=\"0 0 100 100\"");
  }

  @Test
  void tablesKeepOnlyTableMarkupAndSpans() {
    String html = HtmlRenderer.page(page("ok", List.of(new ReportPage.Output("table",
        "<table><tr><td onclick=x() colspan=2><b>x</b><a href=javascript:y>&lt;i&gt;</a></td></tr></table>", "stop",
        "r")), List.of()), 1);
    assertThat(html).contains("<table><tbody><tr><td colspan=\"2\">x&lt;i&gt;</td></tr></tbody></table>");
    assertThat(Jsoup.parse(html).select("[onclick], [href^=javascript]")).isEmpty();
    assertThat(Html.table(null)).isEmpty();
    assertThat(Html.text(null)).isEmpty();
  }
}
