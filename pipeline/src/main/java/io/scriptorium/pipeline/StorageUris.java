package io.scriptorium.pipeline;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Storage URIs as they may be shown: in logs, exception messages and the {@code runs} table.
 *
 * <p>Credentials never travel inside a URI ({@code s3a://KEY:SECRET@bucket/...}): Hadoop has not supported that for
 * S3A for years, and such a URI would end up in logs and in {@code runs.arguments}. Scriptorium refuses them at the
 * boundary with a message that shows the URI without its user info. Credentials come from the standard providers
 * instead (README, "Object storage, clusters and GPUs").
 */
public final class StorageUris {
  /**
   * scheme://user:secret@rest. The user part holds no '/', the secret may (AWS secret keys do, and users paste them
   * unencoded), so everything up to the first '@' after "user:" counts as the secret.
   */
  private static final Pattern SECRET_USER_INFO = Pattern.compile("^([a-zA-Z][a-zA-Z0-9+.-]*://)([^/@?#:]*:[^@]*)@(.*)$");
  private static final Pattern ANY_USER_INFO = Pattern.compile("^([a-zA-Z][a-zA-Z0-9+.-]*://)([^/@?#]*)@(.*)$");

  private StorageUris() {}

  /** The URI with any user info replaced by {@code ***}; null stays null. */
  public static String redact(String uri) {
    if (uri == null) {
      return null;
    }
    Matcher m = SECRET_USER_INFO.matcher(uri);
    if (!m.matches()) {
      m = ANY_USER_INFO.matcher(uri);
    }
    return m.matches() ? m.group(1) + "***@" + m.group(3) : uri;
  }

  /**
   * Refuses a URI that carries a password or secret key in its user info ({@code user:secret@}); a bare user name
   * ({@code hdfs://etl@namenode/}) is allowed.
   *
   * @param what what the URI is, for the message (e.g. {@code "--input"})
   */
  public static void requireNoSecret(String what, String uri) {
    if (uri != null && SECRET_USER_INFO.matcher(uri.trim()).matches()) {
      throw new IllegalArgumentException(what + " " + redact(uri.trim()) + " has credentials in the URI, which are"
          + " never accepted (they would be logged): remove them and configure a credentials provider instead,"
          + " e.g. spark.hadoop.fs.s3a.aws.credentials.provider, a Hadoop credential file"
          + " (hadoop.security.credential.provider.path) or the AWS_* environment variables");
    }
  }
}
