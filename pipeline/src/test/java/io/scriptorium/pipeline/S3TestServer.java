package io.scriptorium.pipeline;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * An S3 server on 127.0.0.1 inside the test JVM: S3Proxy over jclouds' in-memory {@code transient} store (never the
 * {@code *-nio2} stores, which break Delta). The store outlives {@link #stop()}, so {@link #start()} brings the same
 * buckets back on the same port: a server outage.
 */
public final class S3TestServer implements AutoCloseable {
  public static final String REGION = "us-east-1";

  private final String accessKey;
  private final String secretKey;
  private final BlobStoreContext context;
  private final BlobStore counted;
  private final Map<String, AtomicInteger> callsPerBucket = new ConcurrentHashMap<>();
  private S3Proxy proxy;
  private int port;
  private S3Client client;

  private S3TestServer(String accessKey, String secretKey) {
    this.accessKey = accessKey;
    this.secretKey = secretKey;
    Properties properties = new Properties();
    this.context = ContextBuilder.newBuilder("transient")
        .credentials("identity", "credential")
        .overrides(properties)
        .build(BlobStoreContext.class);
    BlobStore store = context.getBlobStore();
    this.counted = (BlobStore) Proxy.newProxyInstance(BlobStore.class.getClassLoader(), new Class<?>[] {BlobStore.class},
        (proxy, method, args) -> {
          if (args != null && args.length > 0 && args[0] instanceof String bucket) {
            callsPerBucket.computeIfAbsent(bucket, b -> new AtomicInteger()).incrementAndGet();
          }
          try {
            return method.invoke(store, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  /** How many store operations requests about this bucket caused so far (authenticated requests only). */
  public int calls(String bucket) {
    AtomicInteger calls = callsPerBucket.get(bucket);
    return calls == null ? 0 : calls.get();
  }

  /** Starts a server on a free port that accepts only this access key and secret key. */
  public static S3TestServer start(String accessKey, String secretKey) throws Exception {
    S3TestServer server = new S3TestServer(accessKey, secretKey);
    server.start();
    return server;
  }

  /** (Re)starts the server: on a free port the first time, on the same port afterwards. */
  public synchronized void start() throws Exception {
    if (proxy != null) {
      return;
    }
    S3Proxy started = S3Proxy.builder()
        .blobStore(blobStore())
        .endpoint(URI.create("http://127.0.0.1:" + port))
        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
        .build();
    started.start();
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!AbstractLifeCycle.STARTED.equals(started.getState())) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("S3Proxy did not start: " + started.getState());
      }
      Thread.sleep(10);
    }
    port = started.getPort();
    proxy = started;
  }

  /** Stops answering; buckets and objects are kept for the next {@link #start()}. */
  public synchronized void stop() throws Exception {
    if (proxy != null) {
      proxy.stop();
      proxy = null;
    }
  }

  public BlobStore blobStore() {
    return counted;
  }

  public String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  /** An SDK v2 client for fixtures: path style, the server's endpoint, its credentials. */
  public synchronized S3Client client() {
    if (client == null) {
      client = S3Client.builder()
          .endpointOverride(URI.create(endpoint()))
          .region(Region.of(REGION))
          .forcePathStyle(true)
          .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
          .build();
    }
    return client;
  }

  public void createBucket(String bucket) {
    client().createBucket(b -> b.bucket(bucket));
  }

  public void put(String bucket, String key, byte[] bytes) {
    client().putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(bytes));
  }

  /**
   * S3A settings that point one bucket at this server, as {@code fs.s3a.bucket.<bucket>.*} so nothing else in the
   * configuration changes. Credentials are left out: see {@link #credentials}.
   */
  public Map<String, String> bucketSettings(String bucket, String bufferDir) {
    Map<String, String> settings = new LinkedHashMap<>();
    String p = "fs.s3a.bucket." + bucket + ".";
    settings.put(p + "endpoint", endpoint());
    settings.put(p + "endpoint.region", REGION);
    settings.put(p + "path.style.access", "true");
    settings.put(p + "connection.ssl.enabled", "false");
    settings.put(p + "buffer.dir", bufferDir);
    return settings;
  }

  /** The per-bucket access key and secret key (the properties route of S3A's default credential chain). */
  public static Map<String, String> credentials(String bucket, String accessKey, String secretKey) {
    String p = "fs.s3a.bucket." + bucket + ".";
    return Map.of(p + "access.key", accessKey, p + "secret.key", secretKey,
        p + "aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
  }

  public static void apply(Configuration conf, Map<String, String> settings) {
    settings.forEach(conf::set);
  }

  public static void unset(Configuration conf, Map<String, String> settings) {
    settings.keySet().forEach(conf::unset);
  }

  @Override
  public void close() throws Exception {
    try {
      stop();
    } finally {
      if (client != null) {
        client.close();
      }
      context.close();
    }
  }
}
