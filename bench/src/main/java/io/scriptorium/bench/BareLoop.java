package io.scriptorium.bench;

import io.scriptorium.model.OcrResult;
import io.scriptorium.model.OcrRuntime;
import io.scriptorium.model.PreparedImage;
import io.scriptorium.model.Prompt;
import io.scriptorium.model.Task;
import io.scriptorium.pipeline.pages.PageOptions;
import io.scriptorium.pipeline.pages.PageReader;
import io.scriptorium.pipeline.pages.PageRef;
import io.scriptorium.pipeline.parse.OutputParsers;
import java.awt.image.BufferedImage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
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
    try (PageReader reader = new PageReader(new Configuration(), PageOptions.defaults())) {
      feed(runtime, prompts, uris.iterator(), uri -> reader.read(new PageRef(uri, 1, "unknown", null, null)).image(),
          pagesInFlight, results -> {
            results.forEach(r -> tokens.addAndGet(r.outputTokens()));
            pages.incrementAndGet();
          });
    }
  }

  /** Loads one page's image. */
  interface ImageLoader<T> {
    BufferedImage load(T item) throws Exception;
  }

  /**
   * An executor's page loop on one thread: load and preprocess each page, submit all prompts to the shared runtime,
   * keep {@code pagesInFlight} pages submitted, parse the spotting answers, and hand each finished page's results to
   * {@code pageDone} in order.
   */
  static <T> void feed(OcrRuntime runtime, List<Prompt> prompts, Iterator<T> items, ImageLoader<T> loader,
      int pagesInFlight, Consumer<List<OcrResult>> pageDone) throws Exception {
    Deque<List<CompletableFuture<OcrResult>>> window = new ArrayDeque<>();
    while (items.hasNext()) {
      PreparedImage image = runtime.prepare(loader.load(items.next()));
      window.add(runtime.submitAll(image, prompts));
      if (window.size() >= pagesInFlight) {
        finish(window.poll(), pageDone);
      }
    }
    while (!window.isEmpty()) {
      finish(window.poll(), pageDone);
    }
  }

  private static void finish(List<CompletableFuture<OcrResult>> futures, Consumer<List<OcrResult>> pageDone)
      throws Exception {
    List<OcrResult> results = new ArrayList<>();
    for (CompletableFuture<OcrResult> future : futures) {
      OcrResult result = future.get();
      if (result.prompt().task() == Task.SPOTTING) {
        OutputParsers.spotting(result.text());
      }
      results.add(result);
    }
    pageDone.accept(results);
  }
}
