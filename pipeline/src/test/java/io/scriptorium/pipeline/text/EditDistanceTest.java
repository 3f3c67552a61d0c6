package io.scriptorium.pipeline.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scriptorium.testing.UnitTest;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

@UnitTest
class EditDistanceTest {
  @Test
  void levenshteinOverCodePoints() {
    assertThat(distance("kitten", "sitting")).isEqualTo(3);
    assertThat(distance("", "abc")).isEqualTo(3);
    assertThat(distance("same", "same")).isZero();
    assertThat(distance("a😀", "a😃")).as("an emoji is one code point").isEqualTo(1);
    assertThat(distance("prefix-x-suffix", "prefix-yy-suffix")).isEqualTo(2);
    assertThat(EditDistance.normalised(EditDistance.codePoints("北京市"), EditDistance.codePoints("北京")))
        .isEqualTo(1 / 3.0);
    assertThat(EditDistance.normalised(new int[0], new int[0])).isZero();
    assertThat(EditDistance.normalisedTokens(List.of("a", "b", "c"), List.of("a", "c"))).isEqualTo(1 / 3.0);
  }

  @Test
  void nearestIgnoresCaseAndBreaksTiesAlphabetically() {
    List<String> keys = List.of("batch.maxSize", "batch.maxWait", "model.uri");
    assertThat(EditDistance.nearest("batch.maxSise", keys)).isEqualTo("batch.maxSize");
    assertThat(EditDistance.nearest("BATCH.MAXWAIT", keys)).isEqualTo("batch.maxWait");
    assertThat(EditDistance.nearest("ab", List.of("b", "a"))).isEqualTo("a");
    assertThatThrownBy(() -> EditDistance.nearest("x", List.of())).isInstanceOf(NoSuchElementException.class);
  }

  private static int distance(String a, String b) {
    return EditDistance.distance(EditDistance.codePoints(a), EditDistance.codePoints(b));
  }
}
