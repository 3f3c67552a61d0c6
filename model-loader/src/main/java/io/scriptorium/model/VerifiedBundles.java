package io.scriptorium.model;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Remembers which bundle files were verified, so that a multi-gigabyte {@code model.pt} is hashed once per node, not
 * at every job start. A bundle is code (TorchScript), so the rule is: a file is read without hashing only when the file
 * system reports it exactly as it was when its sha256 last matched the manifest.
 *
 * <p><b>What is remembered.</b> After {@link ModelBundle#verify} hashed a bundle's files, it records for each file its
 * size, modification time and, where the file system exposes them (Linux, macOS), its inode and change time (ctime,
 * which no user-space call can set back). They are kept in this JVM and in a marker file
 * {@code .verified-<sha256 of manifest.json>} in the bundle directory, written atomically; a read-only directory only
 * gets the in-JVM record. The next verification of the same manifest stats each file: a file whose attributes all
 * match is not hashed, any other file is hashed again (and refused if it fails its check). A changed manifest has
 * another hash, hence no marker, and every file is hashed. The node cache of URI bundles writes the marker with the
 * hashes it computed while downloading, so the runtime's first load there does not hash again.
 *
 * <p><b>Residual risk.</b> The marker detects changed, replaced, truncated or re-copied files, not content that changed
 * while every attribute stayed the same: an edit in place that keeps the size and sets the modification time back
 * within the file system's timestamp granularity and without changing ctime (which needs root or a clock change), or
 * bit rot on the disk. Anyone who can write the bundle directory can also write the marker, so it is no defence
 * against a local attacker. The manifest itself is read and hashed at every verification, never taken from the marker;
 * what guards it is pinning that hash ({@code --model-sha256}, {@link RuntimeConfig#pinnedSha256}). To force a full
 * check, delete the {@code .verified-*} file (or the cached bundle directory).
 */
public final class VerifiedBundles {
  static final String MARKER_PREFIX = ".verified-";
  private static final String TEMP_SUFFIX = ".tmp-";
  private static final Logger LOG = LoggerFactory.getLogger(VerifiedBundles.class);
  private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();
  private static final AtomicLong FILES_HASHED = new AtomicLong();
  /** Bundle directory to what its last successful verification in this JVM saw. */
  private static final Map<Path, Marker> VERIFIED = new ConcurrentHashMap<>();

  private VerifiedBundles() {}

  /** What the file system reports about one file; null fields are not available on this file system. */
  record FileStamp(long size, String modified, String changed, String key) {}

  /** The marker's content: the manifest it belongs to and each listed file's stamp when it was verified. */
  record Marker(String manifestSha256, Map<String, FileStamp> files) {}

  /** How many bundle files this JVM has hashed to verify them (for tests and benchmarks). */
  public static long filesHashed() {
    return FILES_HASHED.get();
  }

  /**
   * Records a bundle whose files the caller wrote and hashed itself (a fetcher that checked each file's sha256 while
   * downloading it), so that loading it does not hash them again. Records nothing when the hashes do not match the
   * manifest in {@code dir} or the manifest cannot be parsed: the runtime then verifies the directory in full.
   *
   * @param dir the complete bundle directory (it may still be renamed, within the same file system)
   * @param sha256ByFile each listed file's sha256 as computed from the bytes written
   */
  public static void recordFetched(Path dir, Map<String, String> sha256ByFile) {
    byte[] manifestBytes;
    Manifest manifest;
    try {
      manifestBytes = Files.readAllBytes(dir.resolve(ModelBundle.MANIFEST));
      manifest = Manifest.parse(manifestBytes);
    } catch (IOException | BundleException e) {
      LOG.debug("Not marking {} as verified: {}", dir, e.toString());
      return;
    }
    if (!manifest.files().keySet().equals(sha256ByFile.keySet())) {
      LOG.debug("Not marking {} as verified: the hashed files are not the listed ones", dir);
      return;
    }
    for (Map.Entry<String, String> listed : manifest.files().entrySet()) {
      if (!listed.getValue().equalsIgnoreCase(sha256ByFile.get(listed.getKey()))) {
        LOG.debug("Not marking {} as verified: {} does not match the manifest", dir, listed.getKey());
        return;
      }
    }
    try {
      writeMarker(dir, new Marker(Sha256.hex(manifestBytes), stamps(dir, manifest.files().keySet())));
    } catch (IOException e) {
      LOG.debug("Could not mark {} as verified: {}", dir, e.toString());
    }
  }

  /** Each file's stamp, in the given order. */
  static Map<String, FileStamp> stamps(Path dir, Collection<String> names) throws IOException {
    Map<String, FileStamp> stamps = new LinkedHashMap<>();
    for (String name : names) {
      stamps.put(name, stamp(dir.resolve(name)));
    }
    return stamps;
  }

  static FileStamp stamp(Path file) throws IOException {
    try {
      Map<String, Object> unix = Files.readAttributes(file, "unix:size,lastModifiedTime,ctime,dev,ino");
      return new FileStamp((Long) unix.get("size"), unix.get("lastModifiedTime").toString(),
          unix.get("ctime").toString(), unix.get("dev") + ":" + unix.get("ino"));
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      BasicFileAttributes basic = Files.readAttributes(file, BasicFileAttributes.class);
      Object key = basic.fileKey();
      return new FileStamp(basic.size(), basic.lastModifiedTime().toString(), null, key == null ? null : key.toString());
    }
  }

  /**
   * The stamps recorded by the last successful verification of this manifest in {@code dir}: this JVM's record, else
   * the marker file; empty when there is none or it cannot be read.
   */
  static Map<String, FileStamp> verified(Path dir, String manifestSha256) {
    Marker known = VERIFIED.get(dir);
    if (known != null && known.manifestSha256().equals(manifestSha256)) {
      return known.files();
    }
    Path file = markerFile(dir, manifestSha256);
    if (!Files.isRegularFile(file)) {
      return Map.of();
    }
    try {
      Marker marker = GSON.fromJson(Files.readString(file, StandardCharsets.UTF_8), Marker.class);
      if (marker == null || !manifestSha256.equals(marker.manifestSha256()) || marker.files() == null) {
        LOG.debug("Ignoring {}: it is not a marker of manifest {}", file, manifestSha256);
        return Map.of();
      }
      return marker.files();
    } catch (IOException | JsonParseException | IllegalStateException e) {
      LOG.debug("Ignoring unreadable marker {}: {}", file, e.toString());
      return Map.of();
    }
  }

  /** Remembers a successful verification in this JVM and, where the directory is writable, in its marker file. */
  static void record(Path dir, String manifestSha256, Map<String, FileStamp> stamps) {
    Marker marker = remember(dir, manifestSha256, stamps);
    try {
      writeMarker(dir, marker);
    } catch (IOException e) {
      LOG.debug("Bundle {} is verified for this JVM only: cannot write its marker ({})", dir, e.toString());
    }
  }

  /** Remembers in this JVM only (the marker file already says the same). */
  static Marker remember(Path dir, String manifestSha256, Map<String, FileStamp> stamps) {
    Marker marker = new Marker(manifestSha256, Map.copyOf(stamps));
    VERIFIED.put(dir, marker);
    return marker;
  }

  /** Counts one file hashed for verification. */
  static void countHash() {
    FILES_HASHED.incrementAndGet();
  }

  /** Forgets this JVM's records, as a new JVM would start (tests). */
  static void forgetInJvm() {
    VERIFIED.clear();
  }

  static Path markerFile(Path dir, String manifestSha256) {
    return dir.resolve(MARKER_PREFIX + manifestSha256);
  }

  /** Writes the marker beside a temp copy and renames it into place; markers of other manifests are removed. */
  private static void writeMarker(Path dir, Marker marker) throws IOException {
    Path target = markerFile(dir, marker.manifestSha256());
    Path tmp = Files.createTempFile(dir, target.getFileName() + TEMP_SUFFIX, "");
    try {
      Files.writeString(tmp, GSON.toJson(marker), StandardCharsets.UTF_8);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
    try (DirectoryStream<Path> others = Files.newDirectoryStream(dir, MARKER_PREFIX + "*")) {
      for (Path other : others) {
        if (!other.equals(target) && !other.getFileName().toString().contains(TEMP_SUFFIX)) {
          Files.deleteIfExists(other);
        }
      }
    }
    LOG.debug("Marked bundle {} as verified ({})", dir, target.getFileName());
  }
}
