package io.scriptorium.model;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A verified bundle directory. {@link #open} parses manifest.json, checks its format version and the sha256 of every
 * listed file before anything is handed to DJL: model.pt is TorchScript, i.e. code.
 */
final class ModelBundle {
  static final String MANIFEST = "manifest.json";
  static final String MODEL_FILE = "model.pt";
  static final String TOKENIZER_FILE = "tokenizer.json";
  /** The builtin twin's files, listed because a classpath directory cannot be listed portably. */
  static final List<String> TINY_FILES = List.of(MANIFEST, MODEL_FILE, TOKENIZER_FILE);
  static final String TINY_RESOURCE_DIR = "io/scriptorium/model/tiny/";

  private static final Logger LOG = LoggerFactory.getLogger(ModelBundle.class);

  private final Path dir;
  private final Manifest manifest;
  private final String sha256;

  private ModelBundle(Path dir, Manifest manifest, String sha256) {
    this.dir = dir;
    this.manifest = manifest;
    this.sha256 = sha256;
  }

  Path dir() {
    return dir;
  }

  Manifest manifest() {
    return manifest;
  }

  /** sha256 of manifest.json's bytes, which pin every other file. */
  String sha256() {
    return sha256;
  }

  Path modelFile() {
    return dir.resolve(MODEL_FILE);
  }

  Path tokenizerFile() {
    return dir.resolve(TOKENIZER_FILE);
  }

  /** Opens and verifies a bundle given as a directory path, a file: URI or builtin:tiny. */
  static ModelBundle open(String spec) {
    if (RuntimeConfig.BUILTIN_TINY.equals(spec)) {
      Path dir = materializeBuiltin(Path.of(System.getProperty("java.io.tmpdir"), "scriptorium-models"));
      try {
        return verify(dir);
      } catch (BundleException e) {
        // A damaged cache copy of our own jar's bundle is repaired once; a user's directory never is.
        LOG.warn("Cached builtin bundle at {} failed verification ({}); extracting it again", dir, e.getMessage());
        quarantine(dir);
        return verify(materializeBuiltin(dir.getParent()));
      }
    }
    return verify(localDir(spec));
  }

  /** The bytes of a bundle's manifest.json, nothing else read or checked (for preprocessing without the model). */
  static byte[] manifestBytes(String spec) {
    if (RuntimeConfig.BUILTIN_TINY.equals(spec)) {
      return resource(MANIFEST);
    }
    Path file = localDir(spec).resolve(MANIFEST);
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new BundleException("cannot read " + file + ": " + e, e);
    }
  }

  static Path localDir(String spec) {
    Path dir;
    if (spec.startsWith("file:")) {
      dir = Paths.get(URI.create(spec));
    } else if (spec.matches("^[a-zA-Z][a-zA-Z0-9+.-]+:.*") && !spec.matches("^[a-zA-Z]:[\\\\/].*")) {
      throw new BundleException(
          "bundle '" + spec
              + "' is not local: use a directory, a file: URI or builtin:tiny (fetch remote bundles first)");
    } else {
      dir = Paths.get(spec);
    }
    if (!Files.isDirectory(dir)) {
      throw new BundleException("bundle directory " + dir + " does not exist or is not a directory");
    }
    return dir.toAbsolutePath().normalize();
  }

  /**
   * Parses the manifest and checks every listed file's sha256; nothing is loaded. A file that the last successful
   * verification of this manifest saw with the same size, modification time, inode and change time is not hashed
   * again ({@link VerifiedBundles}); every other file is.
   */
  static ModelBundle verify(Path dir) {
    Path manifestFile = dir.resolve(MANIFEST);
    byte[] manifestBytes;
    try {
      manifestBytes = Files.readAllBytes(manifestFile);
    } catch (IOException e) {
      throw new BundleException("cannot read " + manifestFile + ": " + e, e);
    }
    Manifest manifest = Manifest.parse(manifestBytes);
    for (String required : List.of(MODEL_FILE, TOKENIZER_FILE)) {
      if (!manifest.files().containsKey(required)) {
        throw new BundleException("manifest.json in " + dir + " does not list " + required + " in 'files'");
      }
    }
    for (String name : manifest.files().keySet()) {
      checkPresent(dir, name);
    }
    String sha256 = Sha256.hex(manifestBytes);
    Path key = dir.toAbsolutePath().normalize();
    Map<String, VerifiedBundles.FileStamp> before = stamps(dir, manifest.files().keySet());
    Map<String, VerifiedBundles.FileStamp> verified = VerifiedBundles.verified(key, sha256);
    List<String> changed = before.keySet().stream().filter(name -> !before.get(name).equals(verified.get(name)))
        .toList();
    if (changed.isEmpty()) {
      VerifiedBundles.remember(key, sha256, before);
      LOG.debug("Bundle {} is unchanged since it was verified; not hashed again", dir);
      return new ModelBundle(dir, manifest, sha256);
    }
    long start = System.nanoTime();
    long bytes = 0;
    for (String name : changed) {
      checkFile(dir, name, manifest.files().get(name));
      bytes += before.get(name).size();
    }
    if (stamps(dir, changed).equals(subset(before, changed))) {
      VerifiedBundles.record(key, sha256, before);
    } else {
      LOG.warn("Bundle {} changed while it was being verified; it will be verified again next time", dir);
    }
    LOG.info("Verified {} of {} bundle files in {} ({} MB) in {} ms", changed.size(), before.size(), dir,
        bytes >> 20, (System.nanoTime() - start) / 1_000_000);
    return new ModelBundle(dir, manifest, sha256);
  }

  private static Map<String, VerifiedBundles.FileStamp> stamps(Path dir, java.util.Collection<String> names) {
    try {
      return VerifiedBundles.stamps(dir, names);
    } catch (IOException e) {
      throw new BundleException("cannot read the attributes of the files of bundle " + dir + ": " + e, e);
    }
  }

  private static Map<String, VerifiedBundles.FileStamp> subset(Map<String, VerifiedBundles.FileStamp> stamps,
      List<String> names) {
    Map<String, VerifiedBundles.FileStamp> subset = new java.util.LinkedHashMap<>();
    names.forEach(name -> subset.put(name, stamps.get(name)));
    return subset;
  }

  private static void checkPresent(Path dir, String name) {
    Path file = dir.resolve(name).normalize();
    if (name.contains("/") || name.contains("\\") || !file.getParent().equals(dir.normalize())) {
      throw new BundleException("manifest.json in " + dir + " lists '" + name + "', which is not a plain file name");
    }
    if (!Files.isRegularFile(file)) {
      throw new BundleException("bundle file " + name + " is missing from " + dir);
    }
  }

  private static void checkFile(Path dir, String name, String expected) {
    Path file = dir.resolve(name);
    String actual;
    try {
      actual = Sha256.hex(file);
      VerifiedBundles.countHash();
    } catch (IOException e) {
      throw new BundleException("cannot read bundle file " + file + ": " + e, e);
    }
    if (!actual.equalsIgnoreCase(expected)) {
      throw new BundleException(
          "bundle file "
              + name
              + " in "
              + dir
              + " fails its sha256 check: expected "
              + expected
              + ", actual "
              + actual
              + " (the bundle is damaged or was modified; export or copy it again)");
    }
  }

  /**
   * Extracts the classpath twin into {@code root/<manifest sha256>/}, atomically ({@link AtomicInstall}): concurrent
   * JVMs and threads either install it or find a complete copy.
   */
  static Path materializeBuiltin(Path root) {
    Path target = root.resolve(Sha256.hex(resource(MANIFEST)));
    try {
      boolean installed = AtomicInstall.directory(target, dir -> {
        for (String name : TINY_FILES) {
          try (InputStream in = resourceStream(name)) {
            Files.copy(in, dir.resolve(name));
          }
        }
      });
      if (installed) {
        LOG.info("Extracted builtin:tiny to {}", target);
      }
    } catch (IOException e) {
      throw new BundleException("cannot extract builtin:tiny into " + root + ": " + e, e);
    }
    return target;
  }

  private static byte[] resource(String name) {
    try (InputStream in = resourceStream(name)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new BundleException("cannot read builtin bundle resource " + TINY_RESOURCE_DIR + name + ": " + e, e);
    }
  }

  private static InputStream resourceStream(String name) {
    InputStream in = ModelBundle.class.getClassLoader().getResourceAsStream(TINY_RESOURCE_DIR + name);
    if (in == null) {
      throw new BundleException(
          "builtin:tiny is not on the classpath: resource " + TINY_RESOURCE_DIR + name + " is missing");
    }
    return in;
  }

  private static void quarantine(Path dir) {
    try {
      Path aside = dir.resolveSibling(dir.getFileName() + ".corrupt-" + System.nanoTime());
      Files.move(dir, aside, StandardCopyOption.ATOMIC_MOVE);
    } catch (NoSuchFileException e) {
      // another JVM moved it first
    } catch (IOException e) {
      throw new BundleException("cannot move the damaged builtin bundle " + dir + " aside: " + e, e);
    }
  }
}
