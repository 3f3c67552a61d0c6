package io.scriptorium.pipeline.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.reflect.TypeToken;
import io.scriptorium.testing.DataTest;
import io.scriptorium.testing.UnitTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@UnitTest
class RepetitionTrimmerTest {
  private static final String PYTHON = "/usr/bin/python3";
  /** The official post-processing, as in the HunyuanOCR README and run scripts, applied to a JSON list of texts. */
  private static final String REFERENCE = String.join("\n",
      "import json, sys",
      "def clean_repeated_substrings(text):",
      "    n = len(text)",
      "    if n < 8000:",
      "        return text",
      "    for length in range(2, n // 10 + 1):",
      "        candidate = text[-length:]",
      "        count = 0",
      "        i = n - length",
      "        while i >= 0 and text[i:i + length] == candidate:",
      "            count += 1",
      "            i -= length",
      "        if count >= 10:",
      "            return text[:n - length * (count - 1)]",
      "    return text",
      "with open(sys.argv[1], encoding='utf-8') as f:",
      "    texts = json.load(f)",
      "with open(sys.argv[2], 'w', encoding='ascii') as f:",
      "    json.dump([clean_repeated_substrings(t) for t in texts], f, ensure_ascii=True)",
      "");

  // ---- The official rule -------------------------------------------------------------------------------------

  @Test
  void nothingShorterThan8000CodePointsIsTrimmed() {
    String prefix = prose(new Random(1), 7_000);
    String at7999 = prefix + "x".repeat(7_999 - 7_000 - 40) + "ab".repeat(20);
    String at8000 = prefix + "x".repeat(8_000 - 7_000 - 40) + "ab".repeat(20);
    assertThat(cp(at7999)).isEqualTo(7_999);
    assertThat(cp(at8000)).isEqualTo(8_000);

    Trimmed below = OutputParsers.trimRepetition(at7999);
    assertThat(below.trimmed()).isFalse();
    assertThat(below.text()).isSameAs(at7999);

    Trimmed at = OutputParsers.trimRepetition(at8000);
    assertThat(at).isEqualTo(new Trimmed(at8000.substring(0, at8000.length() - 38), true, 2, 20));
    assertThat(at.text()).endsWith("xab");
  }

  @Test
  void tenCopiesAreTrimmedNineAreNot() {
    String prefix = prose(new Random(2), 9_000);
    assertThat(OutputParsers.trimRepetition(prefix + "abc".repeat(9)).trimmed()).isFalse();
    assertThat(OutputParsers.trimRepetition(prefix + "abc".repeat(10)))
        .isEqualTo(new Trimmed(prefix + "abc", true, 3, 10));
    assertThat(OutputParsers.trimRepetition(prefix + "abc".repeat(11)))
        .isEqualTo(new Trimmed(prefix + "abc", true, 3, 11));
  }

  @Test
  void unitLengthsRunFromTwoToATenthOfTheText() {
    Random random = new Random(3);
    String prefix = prose(random, 9_000);
    // Unit length 1 is never tried: a run of one char is cut by L = 2, keeping two (three for an odd run).
    assertThat(OutputParsers.trimRepetition(prefix + "z".repeat(100)))
        .isEqualTo(new Trimmed(prefix + "zz", true, 2, 50));
    assertThat(OutputParsers.trimRepetition(prefix + "z".repeat(101)))
        .isEqualTo(new Trimmed(prefix + "zzz", true, 2, 50));
    assertThat(OutputParsers.trimRepetition(prefix + "zy".repeat(10)))
        .isEqualTo(new Trimmed(prefix + "zy", true, 2, 10));
    // L = n / 10 exactly: ten copies make up the whole text.
    String unit = prose(random, 800);
    assertThat(OutputParsers.trimRepetition(unit.repeat(10))).isEqualTo(new Trimmed(unit, true, 800, 10));
    String unit801 = prose(random, 801);
    assertThat(OutputParsers.trimRepetition(unit801.repeat(10))).isEqualTo(new Trimmed(unit801, true, 801, 10));
    // Past n / 10 nothing is tried: 9 copies and a bit of an 850-char unit.
    String almost = prose(random, 500) + prose(random, 850).repeat(9);
    assertThat(OutputParsers.trimRepetition(almost).trimmed()).isFalse();
  }

  @Test
  void lengthIsCountedInCodePointsNotUtf16Units() {
    // 3,990 supplementary chars (emoji, CJK Extension B) and 20 ASCII: 8,000 UTF-16 units but 4,010 code points.
    String wide = supplementary(new Random(4), 3_990);
    String looping = wide + "ab".repeat(10);
    assertThat(looping.length()).isEqualTo(8_000);
    assertThat(cp(looping)).isEqualTo(4_010);
    Trimmed t = OutputParsers.trimRepetition(looping);
    assertThat(t.trimmed()).isFalse();
    assertThat(t.text()).isSameAs(looping);

    // At 8,000 code points it is trimmed, and units are counted and cut in code points too.
    String more = supplementary(new Random(5), 7_980);
    String unit = "😀𠀀";
    Trimmed cut = OutputParsers.trimRepetition(more + unit.repeat(10));
    assertThat(cut).isEqualTo(new Trimmed(more + unit, true, 2, 10));
  }

  @Test
  void theFirstQualifyingUnitLengthWins() {
    String prefix = prose(new Random(6), 8_500);
    // A long loop (12 copies of a 23-char unit) whose unit itself ends in 10 copies of "ab": L = 2 comes first.
    String unit = "XYZ" + "ab".repeat(10);
    assertThat(OutputParsers.trimRepetition(prefix + unit.repeat(12)))
        .isEqualTo(new Trimmed(prefix + unit.repeat(11) + "XYZab", true, 2, 10));
    // Not the primitive unit: "aa" (L = 2) although the loop is of "a".
    assertThat(OutputParsers.trimRepetition(prefix + "a".repeat(40)).unitLength()).isEqualTo(2);
  }

  @DataTest
  @Test
  void aRealSampleFollowedByALoopIsCutToOneCopy() {
    String page = Samples.read(Samples.data().resolve("omnidocbench-demo/gt_md/"
        + "docstructbench_llm-raw-scihub-o.O-j.physletb.2004.06.101.pdf_3.md"));
    for (String unit : List.of("$$ T_{k} \\equiv\\mu^{2} $$\n\n", "的", "0", "ab", "<td></td>", "Sorry, I'm Norm. ")) {
      Trimmed t = OutputParsers.trimRepetition(page + unit.repeat(5_000));
      // A one-char unit is cut as "xx" (L = 2), as the official rule does.
      String kept = unit.length() == 1 ? unit + unit : unit;

      assertThat(t.trimmed()).as(unit).isTrue();
      assertThat(t.text()).as(unit).isEqualTo(page + kept);
      assertThat(t.unitLength()).as(unit).isEqualTo(kept.length());
      assertThat(t.repeats()).as(unit).isEqualTo(unit.length() == 1 ? 2_500 : 5_000);
    }
  }

  @Test
  void agreesWithThePythonReference(@TempDir Path tmp) throws IOException, InterruptedException {
    assumeTrue(Files.isExecutable(Path.of(PYTHON)),
        PYTHON + " not found: cannot cross-check against the Python reference clean_repeated_substrings");
    List<String> texts = generated(new Random(42), 300);
    Gson gson = new GsonBuilder().disableHtmlEscaping().create();
    Path script = Files.writeString(tmp.resolve("reference.py"), REFERENCE);
    Path in = Files.writeString(tmp.resolve("in.json"), gson.toJson(texts), StandardCharsets.UTF_8);
    Path out = tmp.resolve("out.json");
    Process python = new ProcessBuilder(PYTHON, script.toString(), in.toString(), out.toString())
        .redirectErrorStream(true).start();
    String log = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(python.waitFor(60, TimeUnit.SECONDS)).as("python finished").isTrue();
    assertThat(python.exitValue()).as(log).isZero();
    List<String> expected = gson.fromJson(Files.readString(out, StandardCharsets.US_ASCII),
        new TypeToken<List<String>>() {}.getType());

    assertThat(expected).hasSameSizeAs(texts);
    int trimmed = 0;
    for (int i = 0; i < texts.size(); i++) {
      String text = texts.get(i);
      Trimmed t = OutputParsers.trimRepetition(text);
      assertThat(t.text()).as("text %d (%d code points)", i, cp(text)).isEqualTo(expected.get(i));
      assertThat(t.trimmed()).as("text %d", i).isEqualTo(!expected.get(i).equals(text));
      if (t.trimmed()) {
        trimmed++;
        assertThat(cp(text) - cp(t.text())).isEqualTo(t.unitLength() * (t.repeats() - 1));
      }
    }
    // The generator reaches both sides of every threshold.
    assertThat(trimmed).isBetween(texts.size() / 5, texts.size() * 4 / 5);
  }

  // ---- The detector: reported, never cut ------------------------------------------------------------------

  @Test
  void aShortLoopIsLeftAsIsAndReported() {
    String loop = "Sorry. ".repeat(50);
    String doc = "# T\n\nText. " + loop;
    ParsedDocument parsed = OutputParsers.document(doc);
    assertThat(parsed.warnings()).extracting(ParseWarning::code)
        .containsExactly(ParseWarning.REPETITION_SUSPECTED);
    assertThat(parsed.warnings().get(0).message()).contains("50 copies of a 7-char unit");
    assertThat(parsed.blocks().get(1).text()).isEqualTo(("Text. " + loop).strip());
    assertThat(OutputParsers.trimRepetition(doc).text()).isSameAs(doc);

    assertThat(OutputParsers.subtitles(loop).records()).containsExactly(loop.strip());
    for (List<ParseWarning> warnings : List.of(
        OutputParsers.subtitles(loop).warnings(),
        OutputParsers.vqa(loop).warnings(),
        OutputParsers.chart(loop).warnings(),
        OutputParsers.spotting(loop).warnings(),
        OutputParsers.translation(loop, "en").document().warnings())) {
      assertThat(warnings).extracting(ParseWarning::code).contains(ParseWarning.REPETITION_SUSPECTED)
          .doesNotContain(ParseWarning.REPETITION_TRIMMED);
    }
    assertThat(OutputParsers.formula("x = " + "1+".repeat(100)).latex()).isEqualTo("x = " + "1+".repeat(100));
    assertThat(OutputParsers.formula("x = " + "1+".repeat(100)).warnings()).extracting(ParseWarning::code)
        .contains(ParseWarning.REPETITION_SUSPECTED);
    assertThat(OutputParsers.fields("{\"a\": \"" + "ha".repeat(100)).warnings()).extracting(ParseWarning::code)
        .contains(ParseWarning.REPETITION_SUSPECTED);
    Table table = OutputParsers.table("<table><tr>" + "<td>1</td>".repeat(100));
    assertThat(table.cells()).hasSize(100);
    assertThat(table.warnings()).extracting(ParseWarning::code).contains(ParseWarning.REPETITION_SUSPECTED);
  }

  @Test
  void aLoopCutOffMidUnitIsReportedNotCut() {
    String text = "Hello. " + "Sorry. ".repeat(10) + "Sor";
    assertThat(OutputParsers.trimRepetition(text).text()).isSameAs(text);
    assertThat(RepetitionTrimmer.suspect(text)).isEqualTo(new RepetitionTrimmer.Loop(7, 10, 75));
    assertThat(OutputParsers.vqa(text).records()).containsExactly(text);
  }

  @Test
  void everyParserTrimsALongLoopFirstAndSaysSo() {
    String prefix = prose(new Random(7), 8_000);
    String loop = "Sorry. ".repeat(50);
    assertThat(OutputParsers.document("# T\n\nText. " + prefix + loop).warnings()).extracting(ParseWarning::code)
        .containsExactly(ParseWarning.REPETITION_TRIMMED);
    assertThat(OutputParsers.document("# T\n\nText. " + prefix + loop).blocks().get(1).text())
        .isEqualTo("Text. " + prefix + "Sorry.");
    assertThat(OutputParsers.subtitles(prefix + loop).records()).containsExactly(prefix + "Sorry.");
    assertThat(OutputParsers.vqa(prefix + loop).warnings()).extracting(ParseWarning::code)
        .containsExactly(ParseWarning.REPETITION_TRIMMED);
    assertThat(OutputParsers.vqa(prefix + loop).warnings().get(0).message())
        .contains("50 copies of a 7-char unit");
    assertThat(OutputParsers.chart(prefix + loop).warnings()).extracting(ParseWarning::code)
        .containsExactly(ParseWarning.REPETITION_TRIMMED);
    assertThat(OutputParsers.formula("x = " + "1+".repeat(5_000)).latex()).isEqualTo("x = 1+");
    assertThat(OutputParsers.fields("{\"a\": \"" + "ha".repeat(5_000)).records()).isEmpty();
    assertThat(OutputParsers.table("<table><tr>" + "<td>1</td>".repeat(1_000)).cells()).hasSize(1);
  }

  @DataTest
  @Test
  void realisticTextsAreUntouchedAndRaiseNoSuspicion() {
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
      assertThat(RepetitionTrimmer.suspect(text)).as(text).isNull();
    }
  }

  @Test
  void detectorThresholdsSitWhereDocumented() {
    assertThat(RepetitionTrimmer.suspect("x" + "abcd".repeat(4))).isEqualTo(new RepetitionTrimmer.Loop(4, 4, 16));
    assertThat(RepetitionTrimmer.suspect("x" + "abcd".repeat(3))).isNull();
    assertThat(RepetitionTrimmer.suspect("x" + "ab".repeat(16))).isEqualTo(new RepetitionTrimmer.Loop(2, 16, 32));
    assertThat(RepetitionTrimmer.suspect("x" + "ab".repeat(15))).isNull();
    assertThat(RepetitionTrimmer.suspect("x" + ".".repeat(256))).isEqualTo(new RepetitionTrimmer.Loop(1, 256, 256));
    assertThat(RepetitionTrimmer.suspect("x" + ".".repeat(255))).isNull();
    assertThat(RepetitionTrimmer.suspect("x" + " 0 |".repeat(64))).isEqualTo(new RepetitionTrimmer.Loop(4, 64, 256));
    assertThat(RepetitionTrimmer.suspect("x" + " 0 |".repeat(63))).isNull();
    // 8 copies of "哈哈" is 4 copies of "哈哈哈哈": the shortest unit decides.
    assertThat(RepetitionTrimmer.suspect("哈".repeat(31))).isNull();
    // Lengths are code points: 16 emoji are 16 chars (32 UTF-16 units), one short of a 1-char unit's 32.
    assertThat(RepetitionTrimmer.suspect("x" + "😀".repeat(31))).isNull();
    assertThat(RepetitionTrimmer.suspect("x" + "😀".repeat(32))).isEqualTo(new RepetitionTrimmer.Loop(1, 32, 32));
    assertThat(RepetitionTrimmer.suspect(null)).isNull();
    // None of these short texts is cut: only the detector sees them.
    for (String s : List.of("x" + "abcd".repeat(4), "x" + "ab".repeat(16), "x" + ".".repeat(256))) {
      assertThat(OutputParsers.trimRepetition(s).trimmed()).isFalse();
    }
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
        "a".repeat(100_000) + "b",
        prose.substring(0, 50_000) + "Sorry. ".repeat(7_000));
    for (String input : inputs) {
      RepetitionTrimmer.prepare(input, new Warnings());
    }
    for (String input : inputs) {
      long start = System.nanoTime();
      RepetitionTrimmer.prepare(input, new Warnings());
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertThat(millis).as("ms for %d chars", input.length()).isLessThan(50);
    }
  }

  // ---- Helpers --------------------------------------------------------------------------------------------

  private static int cp(String s) {
    return s.codePointCount(0, s.length());
  }

  /** Random loop-free text of {@code n} code points: ASCII, CJK, and some supplementary characters. */
  private static String prose(Random random, int n) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < n; i++) {
      int kind = random.nextInt(20);
      if (kind == 0) {
        s.append(' ');
      } else if (kind == 1) {
        s.appendCodePoint(0x1F600 + random.nextInt(64));
      } else if (kind < 5) {
        s.appendCodePoint(0x4E00 + random.nextInt(2000));
      } else {
        s.append((char) ('a' + random.nextInt(26)));
      }
    }
    return s.toString();
  }

  private static String supplementary(Random random, int n) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < n; i++) {
      s.appendCodePoint(random.nextBoolean() ? 0x1F600 + random.nextInt(64) : 0x20000 + random.nextInt(5000));
    }
    return s.toString();
  }

  /** Texts around the official thresholds: lengths near 8,000 code points, 0..15 copies, narrow alphabets. */
  private static List<String> generated(Random random, int count) {
    String[] alphabets = {"ab", "a", "abc", "xy😀", "的了", "| -0", null};
    List<String> texts = new ArrayList<>();
    for (int k = 0; k < count; k++) {
      String alphabet = alphabets[random.nextInt(alphabets.length)];
      int[] letters = alphabet == null ? null : alphabet.codePoints().toArray();
      int unitLength = 1 + random.nextInt(random.nextBoolean() ? 6 : 120);
      String unit = letters == null ? prose(random, unitLength) : pick(random, letters, unitLength);
      int copies = random.nextInt(16);
      StringBuilder tail = new StringBuilder(unit.repeat(copies));
      if (random.nextInt(4) == 0) {
        tail.append(unit, 0, unit.offsetByCodePoints(0, random.nextInt(cp(unit))));
      }
      if (random.nextInt(6) == 0) { // a loop of a unit that itself ends in a loop
        tail = new StringBuilder(("Q" + unit.repeat(1 + random.nextInt(12))).repeat(2 + random.nextInt(12)));
      }
      int target = random.nextInt(3) == 0 ? random.nextInt(12_000) : 7_990 + random.nextInt(30);
      int prefixLength = Math.max(0, target - cp(tail.toString()));
      String prefix = random.nextInt(5) == 0 && letters != null
          ? pick(random, letters, prefixLength)
          : prose(random, prefixLength);
      texts.add(prefix + tail);
    }
    texts.add("a".repeat(8_000));
    texts.add("a".repeat(7_999));
    texts.add("😀".repeat(8_000));
    texts.add("😀".repeat(4_000) + "a".repeat(20));
    return texts;
  }

  private static String pick(Random random, int[] letters, int n) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < n; i++) {
      s.appendCodePoint(letters[random.nextInt(letters.length)]);
    }
    return s.toString();
  }
}
