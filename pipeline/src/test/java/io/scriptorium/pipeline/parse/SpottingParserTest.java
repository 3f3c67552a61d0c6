package io.scriptorium.pipeline.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.scriptorium.testing.UnitTest;
import java.util.List;
import org.junit.jupiter.api.Test;

@UnitTest
class SpottingParserTest {
  @Test
  void readsTheSpecialTokensSkippedSample() {
    ParseResult<Spot> result = OutputParsers.spotting(Samples.SPOT_SHIP);

    assertThat(result.records()).extracting(Spot::lineNo, Spot::text, Spot::box).containsExactly(
        tuple(0, "顺利上岸", new Box(231, 392, 764, 632)),
        tuple(1, "LAMAR", new Box(446, 850, 559, 878)),
        tuple(2, "05483", new Box(934, 835, 997, 870)));
    assertThat(result.warnings()).isEmpty();
  }

  @Test
  void readsTheReconstructedRawFormTheSame() {
    ParseResult<Spot> raw = OutputParsers.spotting(Samples.SPOT_SHIP_RAW);

    assertThat(raw.records()).isEqualTo(OutputParsers.spotting(Samples.SPOT_SHIP).records());
    assertThat(raw.warnings()).isEmpty();
  }

  @Test
  void readsTheOtherLiteralSamples() {
    assertThat(OutputParsers.spotting(Samples.SPOT_DAZI).records())
        .containsExactly(new Spot(0, "搭子", new Box(139, 586, 874, 986)));
    assertThat(OutputParsers.spotting(Samples.SPOT_HERBAL).records()).extracting(Spot::text, Spot::box)
        .containsExactly(tuple("7.脾虚呕吐", new Box(126, 106, 246, 123)), tuple("【表现】", new Box(171, 137, 242, 154)));
    assertThat(OutputParsers.spotting(Samples.SPOT_BROWSER).records()).extracting(Spot::text, Spot::box)
        .containsExactly(
            tuple("Lab mouse portrait", new Box(142, 15, 251, 33)),
            tuple("huggingface.co/chat/conversation/6655bacb6dfed1a136...", new Box(156, 76, 545, 99)),
            tuple("R", new Box(644, 78, 654, 93)));
  }

  @Test
  void textWithParenthesesAndDigitsKeepsAllButTheLastPair() {
    ParseResult<Spot> result = OutputParsers.spotting("f(x)=2(3,4)(10,20),(30,40)y=(1,2),(3,4)(50,60),(70,80)");

    assertThat(result.records()).extracting(Spot::text, Spot::box).containsExactly(
        tuple("f(x)=2(3,4)", new Box(10, 20, 30, 40)),
        tuple("y=(1,2),(3,4)", new Box(50, 60, 70, 80)));
  }

  @Test
  void textInsideRefIsTakenLiterally() {
    ParseResult<Spot> result = OutputParsers.spotting(
        "<ref>(1,2),(3,4) is a box</ref><quad>(5,6),(7,8)</quad><ref>f(x)</ref><quad>(9,10),(11,12)</quad>");

    assertThat(result.records()).extracting(Spot::text, Spot::box).containsExactly(
        tuple("(1,2),(3,4) is a box", new Box(5, 6, 7, 8)),
        tuple("f(x)", new Box(9, 10, 11, 12)));
  }

  @Test
  void toleratesUnknownTokensAndMissingClosingTags() {
    ParseResult<Spot> mrz = OutputParsers.spotting(Samples.SPOT_MRZ + "(10,20),(990,40)");
    assertThat(mrz.records()).containsExactly(new Spot(0, "P<USATRAVELER<<HAPPY...", new Box(10, 20, 990, 40)));
    assertThat(mrz.warnings()).extracting(ParseWarning::code).containsExactly(ParseWarning.UNKNOWN_MARKUP);

    ParseResult<Spot> unclosed = OutputParsers.spotting(
        "<ref>A</ref><quad>(1,2),(3,4)<ref>B</ref><quad>(5,6),(7,8)</quad><ref>C<quad>(9,9),(10,10)</quad>");
    assertThat(unclosed.records()).extracting(Spot::text, Spot::box).containsExactly(
        tuple("A", new Box(1, 2, 3, 4)), tuple("B", new Box(5, 6, 7, 8)), tuple("C", new Box(9, 9, 10, 10)));
    assertThat(unclosed.warnings()).extracting(ParseWarning::code)
        .containsExactly(ParseWarning.MALFORMED_MARKUP, ParseWarning.MALFORMED_MARKUP);
  }

  @Test
  void readsPlaceholderTokensAsTheirTags() {
    String decodedWithSpecials = "<｜hy_place▁holder▁no▁112｜>LAMAR<｜hy_place▁holder▁no▁113｜>"
        + "<｜hy_place▁holder▁no▁110｜>(446,850),(559,878)<｜hy_place▁holder▁no▁111｜>";

    assertThat(OutputParsers.spotting(decodedWithSpecials).records())
        .containsExactly(new Spot(0, "LAMAR", new Box(446, 850, 559, 878)));
  }

  @Test
  void clampsCoordinatesOutsideTheGridWithAWarning() {
    ParseResult<Spot> result = OutputParsers.spotting("wide(-5,20),(1200,99999999999999999999)");

    assertThat(result.records()).containsExactly(new Spot(0, "wide", new Box(0, 20, 1000, 1000)));
    assertThat(result.warnings()).extracting(ParseWarning::code).containsExactly(ParseWarning.BOX_CLAMPED);
  }

  @Test
  void warningsAreCappedWithASummary() {
    StringBuilder raw = new StringBuilder();
    for (int i = 0; i < 1000; i++) {
      raw.append("line").append(i).append("(0,0),(").append(2000 + i).append(",5)");
    }
    ParseResult<Spot> result = OutputParsers.spotting(raw.toString());

    assertThat(result.records()).hasSize(1000);
    assertThat(result.warnings()).hasSize(Warnings.LIMIT + 1);
    assertThat(result.warnings().get(Warnings.LIMIT))
        .isEqualTo(new ParseWarning(ParseWarning.TOO_MANY_WARNINGS, "936 more warnings not recorded"));
  }

  @Test
  void ordersReversedCornersWithAWarning() {
    ParseResult<Spot> result = OutputParsers.spotting("x(300,400),(100,200)");

    assertThat(result.records()).containsExactly(new Spot(0, "x", new Box(100, 200, 300, 400)));
    assertThat(result.warnings()).extracting(ParseWarning::code).containsExactly(ParseWarning.MALFORMED_BOX);
  }

  @Test
  void keepsTextAfterTheLastBoxWithoutABox() {
    ParseResult<Spot> result = OutputParsers.spotting("A(1,2),(3,4)cut off mid-li");

    assertThat(result.records()).extracting(Spot::text, Spot::box)
        .containsExactly(tuple("A", new Box(1, 2, 3, 4)), tuple("cut off mid-li", null));
    assertThat(result.warnings()).extracting(ParseWarning::code).containsExactly(ParseWarning.MISSING_BOX);
  }

  @Test
  void unreadableQuadKeepsTheTextWithoutABox() {
    ParseResult<Spot> result = OutputParsers.spotting("<ref>A</ref><quad>(1,2),(3</quad>");

    assertThat(result.records()).containsExactly(new Spot(0, "A", null));
    assertThat(result.warnings()).extracting(ParseWarning::code).containsExactly(ParseWarning.MALFORMED_BOX);
  }

  @Test
  void emptyAndNullGiveNoSpots() {
    for (String raw : new String[] {null, "", "  \n "}) {
      ParseResult<Spot> result = OutputParsers.spotting(raw);
      assertThat(result.records()).isEmpty();
      assertThat(result.warnings()).extracting(ParseWarning::code).containsExactly(ParseWarning.EMPTY_OUTPUT);
    }
  }

  @Test
  void aLongLoopOfIdenticalItemsIsCutToOne() {
    // 400 copies of 24 chars: past the official 8,000 chars and 10 copies.
    ParseResult<Spot> result = OutputParsers.spotting(Samples.SPOT_SHIP + "LAMAR(446,850),(559,878)".repeat(400));

    assertThat(result.records()).hasSize(4);
    assertThat(result.warnings()).extracting(ParseWarning::code).containsExactly(ParseWarning.REPETITION_TRIMMED);
  }

  @Test
  void aShorterLoopIsKeptAndReported() {
    // 200 copies are 4,800 chars: the official rule leaves them, the detector reports them.
    ParseResult<Spot> result = OutputParsers.spotting(Samples.SPOT_SHIP + "LAMAR(446,850),(559,878)".repeat(200));

    assertThat(result.records()).hasSize(203);
    assertThat(result.warnings()).extracting(ParseWarning::code)
        .containsExactly(ParseWarning.REPETITION_SUSPECTED);
    assertThat(result.warnings().get(0).message()).contains("200 copies of a 24-char unit");
  }

  @Test
  void denormalizesLikeTheReference() {
    // int(v * W / 1000) with W = 1517, H = 2059 (the physletb page): checked by hand against Python.
    Box box = new Box(231, 392, 764, 632).denormalize(1517, 2059);
    assertThat(box).isEqualTo(new Box(350, 807, 1158, 1301));

    assertThat(new Box(0, 0, 1000, 1000).denormalize(613, 7)).isEqualTo(new Box(0, 0, 613, 7));
    assertThat(new Box(999, 999, 1000, 1000).denormalize(3, 3)).isEqualTo(new Box(2, 2, 3, 3));
    assertThat(new Box(5, 5, 2000, 2000).denormalize(-10, 100)).isEqualTo(new Box(0, 0, 0, 100));
  }

  @Test
  void boxPutsCornersInOrderAndRaisesNegatives() {
    Box box = new Box(30, 40, 10, -20);
    assertThat(List.of(box.x1(), box.y1(), box.x2(), box.y2())).containsExactly(10, 0, 30, 40);
  }
}
