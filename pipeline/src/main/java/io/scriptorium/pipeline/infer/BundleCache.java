package io.scriptorium.pipeline.infer;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.scriptorium.model.AtomicInstall;
import io.scriptorium.model.BundleException;
import io.scriptorium.model.Sha256;
import io.scriptorium.model.VerifiedBundles;
import io.scriptorium.pipeline.StorageUris;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Model bundles on any Hadoop file system ({@code s3a:}, {@code hdfs:}, {@code file:}, ...), fetched once per node into
 * a local cache directory that the model runtime can load.
 *
 * <p>A bundle {@code URI} is fetched into {@code cacheRoot/<sha256 of its manifest.json>/}: manifest.json is read
 * first and hashed, and since the manifest pins the sha256 of every other file, its hash names the bundle's exact
 * content. A directory with that name is complete by construction and is reused by every later task, job and JVM on
 * the node. A fetch downloads manifest.json and each file it lists, checking each file's sha256 while streaming it,
 * and installs the directory with {@link AtomicInstall}: written in a private temp sibling, synced, renamed into place
 * in one move; a process that loses that race drops its copy and uses the winner's, threads of one JVM fetch a bundle
 * once, and temp directories left by killed JVMs are removed after six hours by the next fetch of the same bundle.
 * Nothing is evicted: remove old {@code <sha256>} directories when bundles are retired.
 *
 * <p>A fetch leaves a verified-marker in the directory ({@link VerifiedBundles}): each file's size, modification time,
 * inode and change time as written. The runtime checks the local copy when it loads it ({@code OcrRuntime}) and hashes
 * again only the files whose attributes differ from the marker's, so a multi-gigabyte model is hashed once per node
 * (by the fetch), not at every job start, while a file changed after the fact is hashed and, if damaged, fails loudly
 * instead of running; delete the directory and the next task fetches it again.
 *
 * <p>{@code builtin:} bundles and plain local paths (no URI scheme) are returned unchanged.
 */
public final class BundleCache {
  static final String MANIFEST = "manifest.json";
  /** A manifest is a few kilobytes; anything this large is not one. */
  private static final int MAX_MANIFEST_BYTES = 16 << 20;
  private static final Pattern URI_WITH_SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]+:.*");
  private static final Pattern WINDOWS_PATH = Pattern.compile("^[a-zA-Z]:[\\\\/].*");
  private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-fA-F]{64}");
  private static final Logger LOG = LoggerFactory.getLogger(BundleCache.class);

  private BundleCache() {}

  /**
   * The local directory of a bundle: unchanged for {@code builtin:} bundles and plain local paths; otherwise the
   * cached copy, fetched first if this node does not have it yet.
   *
   * @param bundle a bundle URI or path (never with credentials in it)
   * @param conf Hadoop configuration with the file system's settings and credentials
   * @param cacheRoot local directory holding one sub-directory per cached bundle
   * @throws BundleException naming the URI when the bundle cannot be read or a file fails its sha256 check
   */
  public static String localize(String bundle, Configuration conf, String cacheRoot) {
    if (!isRemote(bundle)) {
      return bundle;
    }
    StorageUris.requireNoSecret("model bundle", bundle);
    org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(bundle);
    FileSystem fs;
    byte[] manifest;
    try {
      fs = dir.getFileSystem(conf);
      manifest = readManifest(fs, new org.apache.hadoop.fs.Path(dir, MANIFEST));
    } catch (FileNotFoundException e) {
      throw new BundleException("model bundle " + bundle + " has no " + MANIFEST + " (is it a bundle directory?)", e);
    } catch (IOException | RuntimeException e) {
      throw new BundleException("cannot read " + MANIFEST + " of model bundle " + bundle + ": " + e.getMessage(), e);
    }
    Path root = Paths.get(cacheRoot).toAbsolutePath().normalize();
    Path target = root.resolve(Sha256.hex(manifest));
    if (Files.isDirectory(target)) {
      LOG.debug("Model bundle {} is cached at {}", bundle, target);
      return target.toString();
    }
    fetch(bundle, fs, dir, manifest, target);
    return target.toString();
  }

  /** Whether {@link #localize} would fetch this bundle: a URI with a scheme other than {@code builtin:}. */
  public static boolean isRemote(String bundle) {
    if (bundle == null || bundle.startsWith("builtin:")) {
      return false;
    }
    return URI_WITH_SCHEME.matcher(bundle).matches() && !WINDOWS_PATH.matcher(bundle).matches();
  }

  private static byte[] readManifest(FileSystem fs, org.apache.hadoop.fs.Path file) throws IOException {
    try (FSDataInputStream in = fs.open(file)) {
      byte[] bytes = in.readNBytes(MAX_MANIFEST_BYTES + 1);
      if (bytes.length > MAX_MANIFEST_BYTES) {
        throw new IOException(file + " is larger than " + MAX_MANIFEST_BYTES + " bytes: not a bundle manifest");
      }
      return bytes;
    }
  }

  private static void fetch(String bundle, FileSystem fs, org.apache.hadoop.fs.Path dir, byte[] manifest,
      Path target) {
    Map<String, String> files = listedFiles(bundle, manifest);
    long start = System.nanoTime();
    AtomicLong bytes = new AtomicLong(manifest.length);
    try {
      boolean fetched = AtomicInstall.directory(target, tmp -> {
        Files.write(tmp.resolve(MANIFEST), manifest); // exactly the bytes that were hashed into the directory name
        for (Map.Entry<String, String> file : files.entrySet()) {
          bytes.addAndGet(copyChecked(bundle, fs, new org.apache.hadoop.fs.Path(dir, file.getKey()),
              tmp.resolve(file.getKey()), file.getValue()));
        }
        // every file matched its sha256 while it was written: the runtime's first load need not hash it again
        VerifiedBundles.recordFetched(tmp, files);
      });
      if (fetched) {
        LOG.info("Fetched model bundle {} ({} files, {} bytes) into {} in {} ms", bundle, files.size() + 1, bytes.get(),
            target, (System.nanoTime() - start) / 1_000_000);
      } else {
        LOG.info("Model bundle {} was fetched into {} by another thread or process at the same time; using that copy",
            bundle, target);
      }
    } catch (IOException e) {
      throw new BundleException("cannot fetch model bundle " + bundle + " into " + target.getParent() + ": "
          + e.getMessage(), e);
    }
  }

  /** The files manifest.json pins: plain names with sha256 values, checked before anything is downloaded. */
  private static Map<String, String> listedFiles(String bundle, byte[] manifest) {
    JsonObject files;
    try {
      JsonElement files0 = JsonParser.parseString(new String(manifest, StandardCharsets.UTF_8)).getAsJsonObject().get("files");
      if (files0 == null || !files0.isJsonObject()) {
        throw new IllegalStateException("no 'files' object");
      }
      files = files0.getAsJsonObject();
    } catch (RuntimeException e) {
      throw new BundleException(MANIFEST + " of model bundle " + bundle + " is not a bundle manifest: " + e.getMessage(), e);
    }
    Map<String, String> listed = new LinkedHashMap<>();
    for (Map.Entry<String, JsonElement> entry : files.entrySet()) {
      String name = entry.getKey();
      JsonElement sha = entry.getValue();
      if (name.isEmpty() || name.contains("/") || name.contains("\\") || name.equals(".") || name.equals("..")
          || name.equals(MANIFEST) || name.contains(AtomicInstall.TEMP_MARK)) {
        throw new BundleException(MANIFEST + " of model bundle " + bundle + " lists '" + name
            + "', which is not a plain file name");
      }
      if (!sha.isJsonPrimitive() || !SHA256_HEX.matcher(sha.getAsString()).matches()) {
        throw new BundleException(MANIFEST + " of model bundle " + bundle + " gives no sha256 for '" + name + "'");
      }
      listed.put(name, sha.getAsString());
    }
    return listed;
  }

  private static long copyChecked(String bundle, FileSystem fs, org.apache.hadoop.fs.Path from, Path to, String sha256)
      throws IOException {
    MessageDigest digest = Sha256.newDigest();
    long copied;
    try (InputStream in = new DigestInputStream(fs.open(from), digest);
        OutputStream out = Files.newOutputStream(to)) {
      copied = in.transferTo(out);
    } catch (FileNotFoundException e) {
      throw new BundleException("model bundle " + bundle + " lists " + from.getName() + " in " + MANIFEST
          + " but the file is missing", e);
    }
    String actual = Sha256.finish(digest);
    if (!actual.equalsIgnoreCase(sha256)) {
      throw new BundleException("model bundle " + bundle + ": " + from.getName() + " fails its sha256 check (expected "
          + sha256 + ", got " + actual + "); the bundle is damaged or was being replaced while it was read");
    }
    return copied;
  }
}
