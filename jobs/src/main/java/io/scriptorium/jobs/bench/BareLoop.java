package io.scriptorium.jobs.bench;

import io.scriptorium.model.OcrResult;
import io.scriptorium.model.OcrRuntime;
import io.scriptorium.model.PreparedImage;
import io.scriptorium.model.Prompt;
import io.scriptorium.model.Task;
import io.scriptorium.pipeline.pages.DecodedPage;
import io.scriptorium.pipeline.pages.PageOptions;
import io.scriptorium.pipeline.pages.PageReader;
import io.scriptorium.pipeline.pages.PageRef;
import io.scriptorium.pipeline.parse.OutputParsers;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hadoop.conf.Configuration;

/**
 * The bare runtime loop: what a {@code digitize} executor does per page, without Spark or Delta. {@code threads}
 * workers (as many as the Spark tasks of {@code local[N]}) each decode a page with the pipeline's reader, preprocess
 * it, submit all tasks to the one shared runtime, keep {@code pagesInFlight} pages submitted, and parse the spotting
 * answers as the executor does.
 */
final class BareLoop {
  private BareLoop() {}

  /** Pages done and output tokens generated. */
  record Result(long pages, long outputTokens, double seconds) {
    double pagesPerSecond() {
      return pages / seconds;
    }
  }

  static Result run(OcrRuntime runtime, List<Prompt> prompts, List<String> uris, int threads, int pagesInFlight)
      throws Exception {
    AtomicLong pages = new AtomicLong();
    AtomicLong tokens = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    long start = System.nanoTime();
    try {
      List<Future<?>> workers = new ArrayList<>();
      for (int w = 0; w < threads; w++) {
        List<String> mine = new ArrayList<>();
        for (int i = w; i < uris.size(); i += threads) {
          mine.add(uris.get(i));
        }
        workers.add(pool.submit(() -> {
          worker(runtime, prompts, mine, pagesInFlight, pages, tokens);
          return null;
        }));
      }
      for (Future<?> worker : workers) {
        worker.get();
      }
    } finally {
      pool.shutdownNow();
    }
    return new Result(pages.get(), tokens.get(), (System.nanoTime() - start) / 1e9);
  }

  private static void worker(OcrRuntime runtime, List<Prompt> prompts, List<String> uris, int pagesInFlight,
      AtomicLong pages, AtomicLong tokens) throws Exception {
    Deque<List<CompletableFuture<OcrResult>>> window = new ArrayDeque<>();
    try (PageReader reader = new PageReader(new Configuration(), PageOptions.defaults())) {
      for (String uri : uris) {
        DecodedPage page = reader.read(new PageRef(uri, 1, "unknown", null, null));
        PreparedImage image = runtime.prepare(page.image());
        window.add(runtime.submitAll(image, prompts));
        if (window.size() >= pagesInFlight) {
          finish(window.poll(), pages, tokens);
        }
      }
      while (!window.isEmpty()) {
        finish(window.poll(), pages, tokens);
      }
    }
  }

  private static void finish(List<CompletableFuture<OcrResult>> results, AtomicLong pages, AtomicLong tokens)
      throws Exception {
    for (CompletableFuture<OcrResult> future : results) {
      OcrResult result = future.get();
      tokens.addAndGet(result.outputTokens());
      if (result.prompt().task() == Task.SPOTTING) {
        OutputParsers.spotting(result.text());
      }
    }
    pages.incrementAndGet();
  }
}
