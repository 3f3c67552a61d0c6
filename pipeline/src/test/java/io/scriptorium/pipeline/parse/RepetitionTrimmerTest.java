package io.scriptorium.pipeline.parse;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RepetitionTrimmerTest {
  @Test
  void aRealSampleFollowedByALoopIsCutToOneCopy() {
    String page = Samples.read(Samples.data().resolve("omnidocbench-demo/gt_md/"
        + "docstructbench_llm-raw-scihub-o.O-j.physletb.2004.06.101.pdf_3.md"));
    for (String unit : List.of("$$ T_{k} \\equiv\\mu^{2} $$\n\n", "的", "0", "ab", "<td></td>", "Sorry, I'm Norm. ")) {
      Trimmed t = OutputParsers.trimRepetition(page + unit.repeat(5_000));

      assertThat(t.trimmed()).as(unit).isTrue();
      assertThat(t.text()).as(unit).isEqualTo(page + unit);
      assertThat(t.unitLength()).as(unit).isEqualTo(unit.length());
      assertThat(t.repeats()).as(unit).isEqualTo(5_000);
    }
  }

  @Test
  void aLoopCutOffMidUnitKeepsOneCopyAndThePartialOne() {
    Trimmed t = OutputParsers.trimRepetition("Hello. " + "Sorry. ".repeat(10) + "Sor");

    assertThat(t.text()).isEqualTo("Hello. Sorry. Sor");
    assertThat(t.repeats()).isEqualTo(10);
  }

  @Test
  void everyParserTrimsFirstAndSaysSo() {
    String loop = "Sorry. ".repeat(50);
    assertThat(OutputParsers.document("# T\n\nText. " + loop).warnings()).extracting(ParseWarning::code)
        .containsExactly(ParseWarning.REPETITION_TRIMMED);
    assertThat(OutputParsers.document("# T\n\nText. " + loop).blocks().get(1).text()).isEqualTo("Text. Sorry.");
    assertThat(OutputParsers.subtitles(loop).records()).containsExactly("Sorry.");
    assertThat(OutputParsers.vqa(loop).warnings()).extracting(ParseWarning::code)
        .containsExactly(ParseWarning.REPETITION_TRIMMED);
    assertThat(OutputParsers.chart(loop).warnings()).extracting(ParseWarning::code)
        .containsExactly(ParseWarning.REPETITION_TRIMMED);
    assertThat(OutputParsers.formula("x = " + "1+".repeat(100)).latex()).isEqualTo("x = 1+");
    assertThat(OutputParsers.fields("{\"a\": \"" + "ha".repeat(100)).records()).isEmpty();
    assertThat(OutputParsers.table("<table><tr>" + "<td>1</td>".repeat(100)).cells()).hasSize(1);
  }

  @Test
  void realisticTextsAreUntouched() {
    List<String> texts = new ArrayList<>(List.of(
        "第一章 总则..................................................1",
        "目录......",
        "Name: ________________________________________",
        "| a | b | c | d | e | f | g | h | i | j | k | l |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
            + " --- | --- | --- |",
        "| 2020 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |",
        "<table><tr><td></td><td></td><td></td><td></td><td></td></tr></table>",
        "Account 0000000000000000",
        "哈哈哈哈哈哈哈哈",
        "no no no no",
        "-----\n\n\n\n\n\n",
        "& & & & & & & & \\\\",
        "......多么美好而充满生机的夏日早晨啊！······"));
    texts.addAll(Samples.LITERALS);
    for (String page : Samples.omniPages()) {
      texts.add(Samples.read(Samples.data().resolve("omnidocbench-demo/gt_md/" + page + ".md")));
    }
    for (PubTabNet.Example e : PubTabNet.examples()) {
      texts.add(e.html());
    }
    texts.addAll(Im2Latex.formulas());
    for (String text : texts) {
      Trimmed t = OutputParsers.trimRepetition(text);
      assertThat(t.trimmed()).as(text).isFalse();
      assertThat(t.text()).isSameAs(text);
    }
  }

  @Test
  void thresholdsSitWhereDocumented() {
    assertThat(OutputParsers.trimRepetition("x" + "abcd".repeat(4)).text()).isEqualTo("xabcd");
    assertThat(OutputParsers.trimRepetition("x" + "abcd".repeat(3)).trimmed()).isFalse();
    assertThat(OutputParsers.trimRepetition("x" + "ab".repeat(16)).text()).isEqualTo("xab");
    assertThat(OutputParsers.trimRepetition("x" + "ab".repeat(15)).trimmed()).isFalse();
    assertThat(OutputParsers.trimRepetition("x" + ".".repeat(256)).text()).isEqualTo("x.");
    assertThat(OutputParsers.trimRepetition("x" + ".".repeat(255)).trimmed()).isFalse();
    assertThat(OutputParsers.trimRepetition("x" + " 0 |".repeat(64)).text()).isEqualTo("x 0 |");
    assertThat(OutputParsers.trimRepetition("x" + " 0 |".repeat(63)).trimmed()).isFalse();
    // 8 copies of "哈哈" is 4 copies of "哈哈哈哈": the shortest unit decides.
    assertThat(OutputParsers.trimRepetition("哈".repeat(31)).trimmed()).isFalse();
    assertThat(OutputParsers.trimRepetition(null)).isEqualTo(new Trimmed("", false, 0, 0));
  }

  @Test
  void hundredKilobytesTakeMilliseconds() {
    Random random = new Random(7);
    StringBuilder prose = new StringBuilder();
    while (prose.length() < 100_000) {
      prose.append((char) ('a' + random.nextInt(26)));
      if (random.nextInt(6) == 0) {
        prose.append(' ');
      }
    }
    List<String> inputs = List.of(
        prose.toString(),
        prose + ".".repeat(255),
        prose + "abc".repeat(10),
        "a".repeat(100_000),
        prose.substring(0, 50_000) + "Sorry. ".repeat(7_000));
    for (String input : inputs) {
      OutputParsers.trimRepetition(input);
    }
    for (String input : inputs) {
      long start = System.nanoTime();
      OutputParsers.trimRepetition(input);
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertThat(millis).as("ms for %d chars", input.length()).isLessThan(50);
    }
  }
}
