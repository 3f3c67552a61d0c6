package io.scriptorium.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.scriptorium.testing.UnitTest;
import java.awt.image.BufferedImage;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Bicubic and RGB conversion against small outputs of Pillow 9.4 (resources/pillow/make_pillow_cases.py). */
@UnitTest
class PillowBicubicTest {

  static List<String> bicubicCases() throws Exception {
    return names("bicubic");
  }

  static List<String> convertCases() throws Exception {
    return names("convert");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("bicubicCases")
  void resizesExactlyLikePillow(String name) {
    BufferedImage in = Images.resource("pillow/bicubic/" + name + ".in.png");
    BufferedImage expected = Images.resource("pillow/bicubic/" + name + ".out.png");
    byte[] want = Images.rgb(expected);

    byte[] got = PillowBicubic.resize(RgbRows.of(in), expected.getWidth(), expected.getHeight());
    assertThat(got).as("3-byte raster path").isEqualTo(want);

    byte[] packed = PillowBicubic.resize(RgbRows.of(Images.copy(in, BufferedImage.TYPE_INT_ARGB)),
        expected.getWidth(), expected.getHeight());
    assertThat(packed).as("packed ARGB path").isEqualTo(want);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("convertCases")
  void convertsToRgbLikePillow(String name) {
    BufferedImage source = Images.resource("pillow/convert/" + name + ".png");
    byte[] want = Images.rgb(Images.resource("pillow/convert/" + name + ".rgb.png"));
    assertThat(Images.rgb(source)).as("%s read as %s", name, source.getColorModel()).isEqualTo(want);
  }

  @Test
  void filterAndFixedPointFollowResampleC() {
    assertThat(PillowBicubic.filter(0)).isEqualTo(1.0);
    assertThat(PillowBicubic.filter(1)).isEqualTo(0.0);
    assertThat(PillowBicubic.filter(0.5)).isEqualTo(0.5625);
    assertThat(PillowBicubic.filter(-1.5)).isEqualTo(-0.0625);
    assertThat(PillowBicubic.filter(2)).isEqualTo(0.0);
    assertThat(PillowBicubic.clip8(-5)).isZero();
    assertThat(PillowBicubic.clip8(255 << PillowBicubic.PRECISION_BITS)).isEqualTo(255);
    assertThat(PillowBicubic.clip8(1 << 30)).isEqualTo(255);
    assertThat(PillowBicubic.clip8((7 << PillowBicubic.PRECISION_BITS) + 5)).isEqualTo(7);

    // downscale by 2: support 4 taps each side, weights sum to one in fixed point (up to rounding)
    PillowBicubic.Coefficients c = PillowBicubic.coefficients(10, 5);
    assertThat(c.ksize()).isEqualTo(9);
    assertThat(c.first()).containsExactly(0, 0, 1, 3, 5);
    assertThat(c.count()).containsExactly(5, 7, 8, 7, 5);
    for (int x = 0; x < 5; x++) {
      int sum = 0;
      for (int k = 0; k < c.ksize(); k++) {
        sum += c.weights()[x * c.ksize() + k];
      }
      assertThat(sum).isBetween((1 << PillowBicubic.PRECISION_BITS) - 8, (1 << PillowBicubic.PRECISION_BITS) + 8);
    }
  }

  private static List<String> names(String kind) throws Exception {
    try (InputStream in = PillowBicubicTest.class.getClassLoader().getResourceAsStream("pillow/cases.json")) {
      JsonObject cases = JsonParser.parseString(new String(in.readAllBytes(), StandardCharsets.UTF_8))
          .getAsJsonObject();
      List<String> out = new ArrayList<>();
      cases.getAsJsonArray(kind).forEach(e -> out.add(e.getAsJsonObject().get("name").getAsString()));
      return out;
    }
  }
}
