package io.scriptorium.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The tiny twin's bundle files, read from model-loader's jar, for tests that put a bundle somewhere. */
public final class TinyBundleFiles {
  public static final List<String> NAMES = List.of("manifest.json", "model.pt", "tokenizer.json");
  private static final String RESOURCE_DIR = "io/scriptorium/model/tiny/";

  private TinyBundleFiles() {}

  /** File name to bytes, manifest first. */
  public static Map<String, byte[]> read() {
    Map<String, byte[]> files = new LinkedHashMap<>();
    for (String name : NAMES) {
      try (InputStream in = TinyBundleFiles.class.getClassLoader().getResourceAsStream(RESOURCE_DIR + name)) {
        if (in == null) {
          throw new IllegalStateException("missing resource " + RESOURCE_DIR + name);
        }
        files.put(name, in.readAllBytes());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return files;
  }

  /** Writes the bundle into {@code dir} (created if needed) and returns it. */
  public static Path writeTo(Path dir) {
    try {
      Files.createDirectories(dir);
      for (Map.Entry<String, byte[]> file : read().entrySet()) {
        Files.write(dir.resolve(file.getKey()), file.getValue());
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
