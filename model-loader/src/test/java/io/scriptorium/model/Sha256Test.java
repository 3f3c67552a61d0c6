package io.scriptorium.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.scriptorium.testing.UnitTest;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every form of input hashes to the same value, FIPS 180-2's test vectors. */
@UnitTest
class Sha256Test {
  private static final String ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  private static final String EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

  @TempDir Path tmp;

  @Test
  void bytesTextStreamFileAndDigestAgree() throws Exception {
    byte[] abc = "abc".getBytes(StandardCharsets.UTF_8);
    Path file = Files.write(tmp.resolve("abc"), abc);
    MessageDigest digest = Sha256.newDigest();
    digest.update(abc, 0, 1);
    digest.update(abc, 1, 2);

    assertThat(Sha256.hex(abc)).isEqualTo(ABC);
    assertThat(Sha256.hex("abc")).isEqualTo(ABC);
    assertThat(Sha256.hex(new ByteArrayInputStream(abc))).isEqualTo(ABC);
    assertThat(Sha256.hex(file)).isEqualTo(ABC);
    assertThat(Sha256.finish(digest)).isEqualTo(ABC);
    assertThat(Sha256.finish(digest)).as("finish resets the digest").isEqualTo(EMPTY);
    assertThat(Sha256.hex("")).isEqualTo(EMPTY);
  }

  @Test
  void textIsHashedAsUtf8AndStreamsLongerThanTheBufferWhole() throws Exception {
    assertThat(Sha256.hex("页")).isEqualTo(Sha256.hex(new byte[] {(byte) 0xE9, (byte) 0xA1, (byte) 0xB5}));
    byte[] big = new byte[(1 << 16) * 3 + 7];
    for (int i = 0; i < big.length; i++) {
      big[i] = (byte) (i * 31);
    }
    assertThat(Sha256.hex(new ByteArrayInputStream(big))).isEqualTo(Sha256.hex(big));
    assertThat(Sha256.hex(big)).isNotEqualTo(Sha256.hex(java.util.Arrays.copyOf(big, big.length - 1)));
  }
}
