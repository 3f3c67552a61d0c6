package io.scriptorium.pipeline;

import java.io.IOException;
import java.net.URI;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;

/**
 * A test-only Hadoop file system, scheme {@code faulty} ({@code faulty:///abs/path}): the local file system, except
 * that opening a file misbehaves by its name while an inference job runs (a task whose job description contains
 * "infer"), so planning lists and hashes it as usual.
 *
 * <ul>
 *   <li>{@code *throws*}: throws an {@link OutOfMemoryError}, as a decoder that runs out of heap would;
 *   <li>{@code *hangs*}: blocks for {@link #HANG_MILLIS}, ignoring interrupts, as a read from a dead mount would;
 *   <li>{@code *kills*}: halts the JVM, as a native crash would; only in an executor JVM, never the driver's (a test's).
 * </ul>
 *
 * <p>And in any job, planning's included: a file beside which a marker {@code _<name>.down} exists cannot be opened
 * ({@link IOException}), as storage that is briefly unavailable; deleting the marker ends the outage. Listing skips
 * names starting with {@code _}, so the marker is never an input. Listing a directory whose name contains
 * {@code oom-on-listing} throws an {@link OutOfMemoryError}, as a driver listing too many files would.
 *
 * <p>Register it with the Hadoop settings {@code fs.faulty.impl} (this class) and {@code fs.faulty.impl.disable.cache}
 * ({@code true}). Self-contained (no nested classes) so that tests can ship its one class file to executors in a jar.
 */
public final class FaultyFileSystem extends RawLocalFileSystem {
  public static final String SCHEME = "faulty";
  public static final long HANG_MILLIS = 60_000;
  /** The exit status of an executor killed by a {@code *kills*} file. */
  public static final int KILLED_STATUS = 57;
  private static final URI NAME = URI.create(SCHEME + ":///");

  /** The {@code faulty:} URI of a local path. */
  public static String uri(java.nio.file.Path local) {
    return SCHEME + "://" + local.toAbsolutePath().toUri().getPath();
  }

  @Override
  public URI getUri() {
    return NAME;
  }

  @Override
  public String getScheme() {
    return SCHEME;
  }

  @Override
  public org.apache.hadoop.fs.FileStatus[] listStatus(Path dir) throws IOException {
    if (dir.getName().contains("oom-on-listing")) {
      throw new OutOfMemoryError("simulated by FaultyFileSystem listing " + dir);
    }
    return super.listStatus(dir);
  }

  @Override
  public org.apache.hadoop.fs.RemoteIterator<org.apache.hadoop.fs.FileStatus> listStatusIterator(Path dir)
      throws IOException {
    listStatus(dir); // the same failure, whichever listing call is used
    return super.listStatusIterator(dir);
  }

  @Override
  public FSDataInputStream open(Path file, int bufferSize) throws IOException {
    if (super.exists(new Path(file.getParent(), "_" + file.getName() + ".down"))) {
      throw new IOException("simulated outage: cannot open " + file);
    }
    TaskContext task = TaskContext.get();
    String job = task == null ? null : task.getLocalProperty("spark.job.description");
    if (job != null && job.contains("infer")) {
      misbehave(file.getName());
    }
    return super.open(file, bufferSize);
  }

  private static void misbehave(String name) {
    if (name.contains("throws")) {
      throw new OutOfMemoryError("simulated by FaultyFileSystem opening " + name);
    }
    if (name.contains("hangs")) {
      long end = System.currentTimeMillis() + HANG_MILLIS;
      for (long left = HANG_MILLIS; left > 0; left = end - System.currentTimeMillis()) {
        try {
          Thread.sleep(left);
        } catch (InterruptedException e) {
          // a stuck read does not care
        }
      }
    }
    SparkEnv env = SparkEnv.get();
    if (name.contains("kills") && env != null && !"driver".equals(env.executorId())) {
      Runtime.getRuntime().halt(KILLED_STATUS);
    }
  }
}
