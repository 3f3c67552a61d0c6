package io.scriptorium.jobs;

import io.scriptorium.model.Task;
import io.scriptorium.model.TaskSpec;
import io.scriptorium.pipeline.DigitizeOptions;
import io.scriptorium.pipeline.Scriptorium;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * The child JVM of {@link MetricsTest}: a local[2] session with the UI on (a free port) and the PrometheusServlet sink,
 * {@code digitize} of the pages in INPUT twice (the second run skips them all), then one HTTP GET of the driver UI's
 * {@code /metrics/prometheus}, whose body goes to OUT.
 *
 * <pre>java ... MetricsScrapeMain INPUT_URI WAREHOUSE_URI OUT</pre>
 */
public final class MetricsScrapeMain {
  private MetricsScrapeMain() {}

  public static void main(String[] args) throws Exception {
    SparkSession spark = Scriptorium.configure(SparkSession.builder())
        .master("local[2]")
        .appName("scriptorium-metrics-test")
        .config("spark.ui.enabled", "true")
        .config("spark.ui.port", "0")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.metrics.conf.*.sink.prometheusServlet.class",
            "org.apache.spark.metrics.sink.PrometheusServlet")
        .config("spark.metrics.conf.*.sink.prometheusServlet.path", "/metrics/prometheus")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.databricks.delta.snapshotPartitions", "2")
        .getOrCreate();
    try {
      DigitizeOptions options = new DigitizeOptions(List.of(args[0]), null, null, args[1], "metrics",
          LocalDate.of(2026, 11, 26), List.of(TaskSpec.of(Task.SPOTTING)), null);
      Scriptorium.get(spark).digitize(options);
      Scriptorium.get(spark).digitize(options);
      String url = spark.sparkContext().uiWebUrl().get() + "/metrics/prometheus";
      // Jetty redirects the servlet's path to path + "/", as a scraper would follow
      HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
      HttpResponse<String> response = client.send(
          HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build(),
          HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      if (response.statusCode() != 200) {
        throw new IllegalStateException("GET " + url + " answered " + response.statusCode() + ": " + response.body());
      }
      Files.writeString(Paths.get(args[2]), response.body(), StandardCharsets.UTF_8);
    } finally {
      spark.stop();
    }
    System.exit(0);
  }
}
