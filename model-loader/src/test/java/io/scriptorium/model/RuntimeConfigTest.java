package io.scriptorium.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scriptorium.testing.UnitTest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@UnitTest
class RuntimeConfigTest {

  @Test
  void defaults() {
    RuntimeConfig c = RuntimeConfig.defaults();
    assertThat(c.bundle()).isEqualTo("builtin:tiny");
    assertThat(c.device()).isEqualTo("cpu");
    assertThat(c.dtype()).isNull();
    assertThat(c.maxBatchSize()).isEqualTo(8);
    assertThat(c.maxKvTokens()).isEqualTo(65536);
    assertThat(c.intraOpThreads()).isEqualTo(1);
    assertThat(c.promptLanguage()).isNull();
    assertThat(c.maxNewTokensOverride()).isEmpty();
    assertThat(c.maxImagePixels()).isEqualTo(178_956_970L);
  }

  @Test
  void withersNormaliseAndValidate() {
    RuntimeConfig c = RuntimeConfig.defaults()
        .withDevice("GPU:1")
        .withDtype("bf16")
        .withMaxNewTokens(Task.PARSE, 100)
        .withMaxNewTokensOverride(Map.of("Table", 7));
    assertThat(c.device()).isEqualTo("gpu:1");
    assertThat(c.dtype()).isEqualTo("bfloat16");
    assertThat(c.maxNewTokensOverride()).isEqualTo(Map.of("table", 7));
    assertThat(c.withMaxNewTokens(Task.PARSE, 5).maxNewTokensOverride()).isEqualTo(Map.of("table", 7, "parse", 5));

    assertThatThrownBy(() -> c.withDevice("tpu")).hasMessage("device must be cpu, gpu or gpu:N, got 'tpu'");
    assertThatThrownBy(() -> c.withDtype("int8"))
        .hasMessage("dtype must be float32/fp32, float16/fp16 or bfloat16/bf16, got 'int8'");
    assertThatThrownBy(() -> c.withMaxBatchSize(0)).hasMessage("maxBatchSize must be >= 1, got 0");
    assertThatThrownBy(() -> c.withMaxNewTokensOverride(Map.of("nope", 3))).hasMessageContaining("Unknown task 'nope'");
    assertThatThrownBy(() -> c.withBundle(" ")).hasMessageContaining("bundle must be");
  }

  @Test
  void valuesAreSerializable() throws Exception {
    RuntimeConfig c = RuntimeConfig.defaults().withMaxNewTokens(Task.TEXT, 9);
    TaskSpec spec = new TaskSpec(Task.IE, List.of("a", "b"), null, null);
    Prompt prompt = Prompt.of(TaskSpec.of(Task.TEXT), "zh", "提取图中的文字。");
    assertThat(roundTrip(c)).isEqualTo(c);
    assertThat(roundTrip(spec)).isEqualTo(spec);
    assertThat(roundTrip(prompt)).isEqualTo(prompt);
  }

  private static Object roundTrip(Object o) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(o);
    }
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      return in.readObject();
    }
  }
}
