package io.scriptorium.jobs;

import static io.scriptorium.jobs.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.scriptorium.testing.UnitTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code score}: the CLI contract (the metric values themselves are checked in the pipeline's fixture test). */
@UnitTest
class ScoreCommandTest {
  @TempDir
  Path dir;

  @Test
  void pairsFileGivesOneLinePerPairWithItsIdAndEveryMetricOfItsKind() throws IOException {
    String table = "<html><body><table><tr><td>a</td><td>b</td></tr></table></body></html>";
    Path pairs = dir.resolve("pairs.jsonl");
    Files.write(pairs, List.of(
        "{\"id\":\"t1\",\"kind\":\"table\",\"truth\":\"" + table.replace("\"", "\\\"") + "\",\"prediction\":\""
            + table.replace("\"", "\\\"") + "\"}",
        "{\"id\":7,\"kind\":\"text\",\"truth\":\"hello world\",\"prediction\":\"hallo world\"}",
        "{\"id\":\"f\",\"kind\":\"formula\",\"truth\":\"\\\\frac{a}{b}\",\"prediction\":\"\"}",
        "{\"id\":\"e\",\"kind\":\"text\",\"truth\":\"\",\"prediction\":\"\"}"), StandardCharsets.UTF_8);
    CliRun run = run("score", "--pairs", pairs.toString());
    assertThat(run.exit()).isEqualTo(0);
    List<JsonObject> lines = run.out().lines().map(l -> JsonParser.parseString(l).getAsJsonObject()).toList();
    assertThat(lines).hasSize(4);
    assertThat(lines.get(0).get("id").getAsString()).isEqualTo("t1");
    assertThat(lines.get(0).keySet()).containsExactly("id", "kind", "teds", "teds_struct", "teds_pubtabnet",
        "teds_pubtabnet_struct");
    assertThat(lines.get(0).get("teds_pubtabnet").getAsDouble()).isEqualTo(1.0);
    assertThat(lines.get(1).get("id").getAsInt()).isEqualTo(7);
    assertThat(lines.get(1).keySet()).containsExactly("id", "kind", "text_ned", "cer");
    assertThat(lines.get(1).get("text_ned").getAsDouble()).isCloseTo(0.1, within(1e-12));
    assertThat(lines.get(2).get("formula_ned").getAsDouble()).isEqualTo(1.0);
    assertThat(lines.get(3).get("text_ned").isJsonNull()).isTrue(); // OmniDocBench scores nothing then
  }

  @Test
  void aBadLineIsReportedAndTheRestScored() throws IOException {
    Path pairs = dir.resolve("pairs.jsonl");
    Files.write(pairs, List.of("{\"id\":\"x\",\"kind\":\"chart\",\"truth\":\"a\",\"prediction\":\"a\"}", "not json",
        "{\"id\":\"ok\",\"kind\":\"text\",\"truth\":\"a\",\"prediction\":\"a\"}"), StandardCharsets.UTF_8);
    CliRun run = run("score", "--pairs", pairs.toString());
    assertThat(run.exit()).isEqualTo(1);
    List<JsonObject> lines = run.out().lines().map(l -> JsonParser.parseString(l).getAsJsonObject()).toList();
    assertThat(lines.get(0).get("error").getAsString()).contains("unknown kind 'chart'");
    assertThat(lines.get(1).get("line").getAsInt()).isEqualTo(2);
    assertThat(lines.get(2).get("text_ned").getAsDouble()).isEqualTo(0.0);
  }

  @Test
  void onePairFromFiles() throws IOException {
    Path truth = Files.writeString(dir.resolve("t.tex"), "x^{2}");
    Path prediction = Files.writeString(dir.resolve("p.tex"), "$$ x^{2} $$");
    CliRun run = run("score", "--kind", "formula", "--truth", truth.toString(), "--prediction", prediction.toString());
    assertThat(run.exit()).isEqualTo(0);
    JsonObject line = JsonParser.parseString(run.out().strip()).getAsJsonObject();
    assertThat(line.get("kind").getAsString()).isEqualTo("formula");
    assertThat(line.get("formula_ned").getAsDouble()).isEqualTo(0.0);
  }

  @Test
  void usageErrorsAreOneLineAndExitTwo() throws IOException {
    Path truth = Files.writeString(dir.resolve("t.txt"), "a");
    for (String[] args : new String[][] {
        {"score"},
        {"score", "--pairs"},
        {"score", "--pairs", dir.resolve("missing.jsonl").toString()},
        {"score", "--pairs", truth.toString(), "--kind", "text"},
        {"score", "--kind", "chart", "--truth", truth.toString(), "--prediction", truth.toString()},
        {"score", "--kind", "text", "--truth", truth.toString()},
        {"score", "--kind", "text", "--truth", truth.toString(), "--prediction", "nope.txt"},
        {"score", "--pairs", truth.toString(), "--bogus"}}) {
      CliRun run = run(args);
      assertThat(run.exit()).as(String.join(" ", args)).isEqualTo(2);
      assertThat(run.err().strip()).as(String.join(" ", args)).doesNotContain("\n").startsWith("scriptorium score: ");
      assertThat(run.out()).isEmpty();
    }
  }
}
