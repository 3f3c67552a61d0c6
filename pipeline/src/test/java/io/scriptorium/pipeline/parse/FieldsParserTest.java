package io.scriptorium.pipeline.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.scriptorium.testing.UnitTest;
import org.junit.jupiter.api.Test;

@UnitTest
class FieldsParserTest {
  @Test
  void taxiReceiptGivesItsEightFields() {
    for (String raw : new String[] {Samples.IE_TAXI, Samples.IE_TAXI_ONE_LINE}) {
      ParseResult<Field> result = OutputParsers.fields(raw);

      assertThat(result.records()).extracting(Field::key, Field::value).containsExactly(
          tuple("单价", "3.00"), tuple("上车时间", "09:01"), tuple("发票号码", "42609332"), tuple("省前缀", "陕"),
          tuple("总金额", "￥77.10元"), tuple("发票代码", "161002018100"), tuple("下车时间", "09:51"),
          tuple("里程数", "26.1km"));
      assertThat(result.warnings()).isEmpty();
    }
  }

  @Test
  void nestedValuesBecomeCompactJson() {
    ParseResult<Field> result = OutputParsers.fields(
        "{\"items\": [ {\"name\": \"tea\", \"qty\": 2} , {\"name\": \"a \\\"b\\\"\"} ], \"n\": 1.50, \"ok\": true,"
            + " \"none\": null, \"esc\": \"line\\nbreak \\u00e9\"}");

    assertThat(result.records()).extracting(Field::key, Field::value).containsExactly(
        tuple("items", "[{\"name\":\"tea\",\"qty\":2},{\"name\":\"a \\\"b\\\"\"}]"),
        tuple("n", "1.50"), tuple("ok", "true"), tuple("none", null), tuple("esc", "line\nbreak é"));
  }

  @Test
  void toleratesTextAroundAndLenientSyntax() {
    ParseResult<Field> result = OutputParsers.fields("The fields are: {'name': 'Li Lei', date: 2024-01-02, "
        + "\"paid\": True,} Hope this helps!");

    assertThat(result.records()).extracting(Field::key, Field::value)
        .containsExactly(tuple("name", "Li Lei"), tuple("date", "2024-01-02"), tuple("paid", "true"));
    assertThat(result.warnings()).extracting(ParseWarning::code).containsExactly(ParseWarning.EXTRA_TEXT);
  }

  @Test
  void keepsTheCompleteFieldsOfACutOffObject() {
    ParseResult<Field> result = OutputParsers.fields("{\"a\": \"1\", \"b\": {\"c\": \"2\"}, \"d\": \"3");

    assertThat(result.records()).extracting(Field::key).containsExactly("a", "b");
    assertThat(result.warnings()).extracting(ParseWarning::code).containsExactly(ParseWarning.TRUNCATED);
  }

  @Test
  void skipsBracesThatAreNotAnObject() {
    ParseResult<Field> result = OutputParsers.fields("Total {amount} is: {\"amount\": \"5\"}");

    assertThat(result.records()).containsExactly(new Field("amount", "5"));
  }

  @Test
  void plainTextIsInvalid() {
    ParseResult<Field> result = OutputParsers.fields("陕A12345");

    assertThat(result.records()).isEmpty();
    assertThat(result.warnings()).extracting(ParseWarning::code).containsExactly(ParseWarning.JSON_INVALID);
  }

  @Test
  void deepNestingIsRefusedNotRecursed() {
    String deep = "{\"a\": " + "[".repeat(100_000) + "1" + "]".repeat(100_000) + ", \"b\": \"2\"}";
    ParseResult<Field> result = OutputParsers.fields(deep);

    assertThat(result.records()).isEmpty();
    assertThat(result.warnings()).extracting(ParseWarning::code).contains(ParseWarning.JSON_INVALID);
  }
}
