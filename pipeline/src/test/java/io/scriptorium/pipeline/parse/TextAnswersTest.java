package io.scriptorium.pipeline.parse;

import static org.assertj.core.api.Assertions.assertThat;

import io.scriptorium.testing.UnitTest;
import org.junit.jupiter.api.Test;

@UnitTest
class TextAnswersTest {
  @Test
  void subtitlesGiveOneRecordPerLine() {
    ParseResult<String> result = OutputParsers.subtitles(Samples.SUBTITLES);

    assertThat(result.records()).containsExactly("对不起 我是诺曼·斯佩尔曼", "Sorry, I'm Norm. Spellman.");
    assertThat(result.warnings()).isEmpty();
    assertThat(OutputParsers.subtitles(" a \r\n\r\n b ").records()).containsExactly("a", "b");
  }

  @Test
  void chartKinds() {
    assertThat(OutputParsers.chart("```mermaid\ngraph TD\n  A[Start] --> B[End]\n```").records())
        .containsExactly(new Chart(Chart.MERMAID, "graph TD\n  A[Start] --> B[End]"));
    assertThat(OutputParsers.chart("flowchart LR\nA-->B").records())
        .containsExactly(new Chart(Chart.MERMAID, "flowchart LR\nA-->B"));
    assertThat(OutputParsers.chart("Sales by year\n\n| year | sales |\n| --- | --- |\n| 2020 | 3 |\n").records())
        .containsExactly(
            new Chart(Chart.MARKDOWN_TABLE, "Sales by year\n\n| year | sales |\n| --- | --- |\n| 2020 | 3 |"));
    assertThat(OutputParsers.chart("A pie chart of market share.").records())
        .containsExactly(new Chart(Chart.TEXT, "A pie chart of market share."));
  }

  @Test
  void chartFenceWithCommentaryIsReported() {
    ParseResult<Chart> result = OutputParsers.chart("Here it is:\n```mermaid\npie\n\"a\": 1\n```");

    assertThat(result.records()).containsExactly(new Chart(Chart.MERMAID, "pie\n\"a\": 1"));
    assertThat(result.warnings()).extracting(ParseWarning::code).containsExactly(ParseWarning.EXTRA_TEXT);
  }

  @Test
  void vqaAnswerIsTrimmed() {
    assertThat(OutputParsers.vqa("  42 km \n").records()).containsExactly("42 km");
    assertThat(OutputParsers.vqa(null).records()).isEmpty();
    assertThat(OutputParsers.vqa(" ").warnings()).extracting(ParseWarning::code)
        .containsExactly(ParseWarning.EMPTY_OUTPUT);
  }
}
