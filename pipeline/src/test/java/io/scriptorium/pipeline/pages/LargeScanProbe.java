package io.scriptorium.pipeline.pages;

import io.scriptorium.model.PreparedImage;
import io.scriptorium.model.Preprocessor;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;

/**
 * Run in a child JVM with a small {@code -Xmx} by {@link LargeScanTest}: decodes one page with the pipeline's reader
 * and prepares it with the bundle's preprocessing, as digitize does, then prints one line of JSON: the page's sizes,
 * its pixel sha256, the times, and the peak heap (sum of the heap pools' peaks over the run, an upper bound).
 *
 * <p>{@code java -Xmx… -cp … io.scriptorium.pipeline.pages.LargeScanProbe FILE BUNDLE}
 */
public final class LargeScanProbe {
  private LargeScanProbe() {}

  public static void main(String[] args) throws Exception {
    Path file = Path.of(args[0]);
    Preprocessor preprocessor = Preprocessor.forBundle(args[1]);
    List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream()
        .filter(p -> p.getType() == MemoryType.HEAP).toList();
    System.gc();
    long baseline = heap.stream().mapToLong(p -> p.getUsage().getUsed()).sum();
    heap.forEach(MemoryPoolMXBean::resetPeakUsage);

    long t0 = System.nanoTime();
    DecodedPage page;
    try (PageReader reader = new PageReader(new Configuration(), PageOptions.defaults())) {
      page = reader.read(new PageRef(file.toUri().toString(), 1, "unknown", null, null));
    }
    long t1 = System.nanoTime();
    PreparedImage image = preprocessor.prepare(page.image());
    long t2 = System.nanoTime();
    String sha = image.pixelValuesSha256();
    long peak = heap.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
    System.out.printf(Locale.ROOT, "{\"width\":%d,\"height\":%d,\"image_width\":%d,\"image_height\":%d,"
            + "\"image_type\":%d,\"resized\":[%d,%d],\"pixel_values_sha256\":\"%s\",\"decode_ms\":%.0f,"
            + "\"prepare_ms\":%.0f,\"baseline_heap_mb\":%.1f,\"peak_heap_mb\":%.1f,\"max_heap_mb\":%.0f}%n",
        page.width(), page.height(), page.image().getWidth(), page.image().getHeight(), page.image().getType(),
        image.resizedWidth(), image.resizedHeight(), sha, (t1 - t0) / 1e6, (t2 - t1) / 1e6, baseline / 1e6,
        peak / 1e6, Runtime.getRuntime().maxMemory() / 1e6);
  }
}
