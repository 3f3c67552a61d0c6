package io.scriptorium.pipeline.infer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scriptorium.testing.UnitTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * PartitionInference's page window without the model: pages are submitted as futures the test completes by hand, so it
 * can check that a finished page is replaced right away, even while an older one is still running.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a window that waits on the wrong page hangs
@UnitTest
class InFlightWindowTest {

  /** Pages 1..n; page p is submitted with {@code futuresPerPage} futures, or gets its row at once if {@code ready}. */
  private static final class Pages {
    final AtomicInteger pulled = new AtomicInteger();
    /** Page number to its futures, in submission order. */
    final Map<Integer, List<CompletableFuture<String>>> submitted = new ConcurrentHashMap<>();
    final List<Integer> submissionOrder = Collections.synchronizedList(new ArrayList<>());
    final List<Integer> finishedPages = Collections.synchronizedList(new ArrayList<>());
    private final int futuresPerPage;
    private final java.util.function.IntPredicate ready;

    Pages(int futuresPerPage, java.util.function.IntPredicate ready) {
      this.futuresPerPage = futuresPerPage;
      this.ready = ready;
    }

    InFlightWindow<Integer, Integer, String> window(int pages, int capacity) {
      return window(pages, capacity, Duration.ofMinutes(10));
    }

    InFlightWindow<Integer, Integer, String> window(int pages, int capacity, Duration timeout) {
      Iterator<Integer> inputs = IntStream.rangeClosed(1, pages).iterator();
      Iterator<Integer> counted = new Iterator<>() {
        @Override
        public boolean hasNext() {
          return inputs.hasNext();
        }

        @Override
        public Integer next() {
          pulled.incrementAndGet();
          return inputs.next();
        }
      };
      return new InFlightWindow<>(counted, capacity, timeout, this::start, this::finish);
    }

    private InFlightWindow.Started<Integer, String> start(Integer page) {
      if (ready.test(page)) {
        return InFlightWindow.ready("row " + page + " (ready)");
      }
      List<CompletableFuture<String>> futures = new ArrayList<>();
      for (int i = 0; i < futuresPerPage; i++) {
        futures.add(new CompletableFuture<>());
      }
      submitted.put(page, futures);
      submissionOrder.add(page);
      return InFlightWindow.running(page, futures);
    }

    private String finish(Integer page) {
      for (CompletableFuture<String> future : submitted.get(page)) {
        assertThat(future).as("page %d handed out before all its futures were done", page).isDone();
      }
      finishedPages.add(page);
      boolean failed = submitted.get(page).stream().anyMatch(CompletableFuture::isCompletedExceptionally);
      return "row " + page + (failed ? " (failed)" : "");
    }

    void complete(int page) {
      submitted.get(page).forEach(f -> f.complete("text " + page));
    }
  }

  @Test
  void aFinishedPageIsReplacedBeforeTheSlowHeadPageFinishes() {
    Pages pages = new Pages(2, p -> false);
    InFlightWindow<Integer, Integer, String> rows = pages.window(4, 2);

    assertThat(rows.hasNext()).isTrue();
    assertThat(pages.submissionOrder).containsExactly(1, 2);
    assertThat(pages.pulled).hasValue(2); // pages are pulled lazily

    pages.complete(2); // page 1, the oldest, is still running
    assertThat(rows.next()).isEqualTo("row 2");
    assertThat(pages.submissionOrder).as("page 3 takes page 2's place at once").containsExactly(1, 2, 3);
    assertThat(pages.submitted.get(1)).noneMatch(CompletableFuture::isDone);

    pages.complete(3);
    assertThat(rows.next()).isEqualTo("row 3");
    assertThat(pages.submissionOrder).containsExactly(1, 2, 3, 4);
    assertThat(pages.submitted.get(1)).noneMatch(CompletableFuture::isDone);

    pages.complete(1);
    pages.complete(4);
    List<String> rest = new ArrayList<>();
    rows.forEachRemaining(rest::add);
    assertThat(rest).containsExactlyInAnyOrder("row 1", "row 4");
    assertThat(pages.finishedPages).containsExactlyInAnyOrder(1, 2, 3, 4).doesNotHaveDuplicates();
    assertThat(rows.hasNext()).isFalse();
    assertThatThrownBy(rows::next).isInstanceOf(NoSuchElementException.class);
  }

  @Test
  void aPageIsDoneOnlyWhenAllItsFuturesAreAndAFailedFutureCountsAsDone() throws Exception {
    Pages pages = new Pages(3, p -> false);
    InFlightWindow<Integer, Integer, String> rows = pages.window(2, 2);
    assertThat(rows.hasNext()).isTrue();

    pages.submitted.get(1).get(0).complete("a");
    pages.submitted.get(1).get(1).complete("b");
    pages.submitted.get(2).get(0).completeExceptionally(new IllegalStateException("model failed"));
    pages.submitted.get(2).get(1).complete("c");
    ExecutorService consumer = Executors.newSingleThreadExecutor();
    try {
      Future<String> first = consumer.submit(rows::next);
      assertThatThrownBy(() -> first.get(200, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
      pages.submitted.get(2).get(2).complete("d"); // the last of page 2's futures
      assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("row 2 (failed)");
    } finally {
      consumer.shutdownNow();
    }
    pages.submitted.get(1).get(2).complete("e");
    assertThat(rows.next()).isEqualTo("row 1");
    assertThat(rows.hasNext()).isFalse();
  }

  @Test
  void rowsThatAreReadyAtOnceTakeNoRoomInTheWindow() {
    Pages pages = new Pages(1, p -> p % 2 == 0); // even pages fail before submission, say
    InFlightWindow<Integer, Integer, String> rows = pages.window(6, 2);

    assertThat(rows.hasNext()).isTrue();
    assertThat(pages.submissionOrder).containsExactly(1, 3);
    assertThat(rows.next()).isEqualTo("row 2 (ready)");

    pages.complete(3);
    assertThat(rows.next()).isEqualTo("row 3");
    assertThat(pages.submissionOrder).containsExactly(1, 3, 5);
    assertThat(rows.next()).isEqualTo("row 4 (ready)");

    pages.complete(1);
    pages.complete(5);
    List<String> rest = new ArrayList<>();
    rows.forEachRemaining(rest::add);
    assertThat(rest).containsExactlyInAnyOrder("row 1", "row 5", "row 6 (ready)");
  }

  @Test
  void everyPageComesOutExactlyOnceWhateverOrderThePagesFinishIn() throws Exception {
    int total = 500;
    Pages pages = new Pages(3, p -> p % 7 == 0);
    InFlightWindow<Integer, Integer, String> rows = pages.window(total, 8);
    Random random = new Random(42);
    AtomicReference<Throwable> completerFailure = new AtomicReference<>();
    CountDownLatch done = new CountDownLatch(1);
    // The "model": completes the futures of whatever pages are running, in a random order, from its own thread.
    Thread model = new Thread(() -> {
      try {
        while (done.getCount() > 0) {
          List<CompletableFuture<String>> open = new ArrayList<>();
          for (List<CompletableFuture<String>> futures : pages.submitted.values()) {
            futures.stream().filter(f -> !f.isDone()).forEach(open::add);
          }
          if (open.isEmpty()) {
            Thread.onSpinWait();
            continue;
          }
          CompletableFuture<String> next = open.get(random.nextInt(open.size()));
          if (random.nextInt(10) == 0) {
            next.completeExceptionally(new IllegalStateException("boom"));
          } else {
            next.complete("text");
          }
        }
      } catch (Throwable t) {
        completerFailure.set(t);
      }
    }, "fake-model");
    model.setDaemon(true);
    model.start();

    List<String> out = new ArrayList<>();
    try {
      while (rows.hasNext()) {
        out.add(rows.next());
        long running = pages.submitted.values().stream().filter(fs -> fs.stream().anyMatch(f -> !f.isDone())).count();
        assertThat(running).isLessThanOrEqualTo(8);
      }
    } finally {
      done.countDown();
      model.join(10_000);
    }

    assertThat(completerFailure.get()).isNull();
    assertThat(out).hasSize(total);
    assertThat(out.stream().map(r -> Integer.parseInt(r.split(" ")[1])).toList())
        .containsExactlyInAnyOrderElementsOf(IntStream.rangeClosed(1, total).boxed().toList());
    assertThat(pages.finishedPages).doesNotHaveDuplicates().hasSize(pages.submitted.size());
    assertThat(pages.pulled).hasValue(total);
  }

  @Test
  void anInterruptWhileWaitingSurfacesAsBefore() throws Exception {
    Pages pages = new Pages(1, p -> false);
    InFlightWindow<Integer, Integer, String> rows = pages.window(3, 2);
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    AtomicReference<Boolean> interruptedAfter = new AtomicReference<>();
    CountDownLatch waiting = new CountDownLatch(1);
    Thread task = new Thread(() -> {
      try {
        waiting.countDown();
        rows.next();
      } catch (Throwable t) {
        thrown.set(t);
        interruptedAfter.set(Thread.currentThread().isInterrupted());
      }
    });
    task.start();
    waiting.await();
    Thread.sleep(100);
    task.interrupt();
    task.join(10_000);

    assertThat(thrown.get()).isInstanceOf(IllegalStateException.class)
        .hasMessage("Interrupted while waiting for the model")
        .hasCauseInstanceOf(InterruptedException.class);
    assertThat(interruptedAfter.get()).isTrue();

    // no page was lost: once the thread is no longer interrupted, the window carries on
    pages.complete(1);
    pages.complete(2);
    List<String> out = new ArrayList<>();
    while (out.size() < 2) {
      out.add(rows.next());
    }
    pages.complete(3);
    rows.forEachRemaining(out::add);
    assertThat(out).containsExactlyInAnyOrder("row 1", "row 2", "row 3");
  }

  @Test
  void anInterruptedThreadStillGetsPagesThatAreDoneAndFailsOnlyWhenItWouldWait() {
    Pages pages = new Pages(1, p -> false);
    InFlightWindow<Integer, Integer, String> rows = pages.window(3, 2);
    assertThat(rows.hasNext()).isTrue();
    pages.complete(2);
    Thread.currentThread().interrupt();
    try {
      assertThat(rows.next()).isEqualTo("row 2"); // like future.get() on a done future: no wait, no interrupt check
      assertThatThrownBy(rows::next).isInstanceOf(IllegalStateException.class)
          .hasMessage("Interrupted while waiting for the model");
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
    pages.complete(1);
    pages.complete(3);
    List<String> rest = new ArrayList<>();
    rows.forEachRemaining(rest::add);
    assertThat(rest).containsExactlyInAnyOrder("row 1", "row 3");
  }

  @Test
  void aRowIsKeptWhenSubmittingTheNextPageFails() {
    AtomicInteger submitted = new AtomicInteger();
    CompletableFuture<String> first = new CompletableFuture<>();
    java.util.function.Function<Integer, InFlightWindow.Started<Integer, String>> start = page -> {
      if (submitted.incrementAndGet() == 2) {
        throw new IllegalStateException("runtime closed");
      }
      return InFlightWindow.running(page, List.of(first));
    };
    InFlightWindow<Integer, Integer, String> rows =
        new InFlightWindow<>(List.of(1, 2).iterator(), 1, Duration.ofMinutes(10), start, page -> "row " + page);
    assertThat(rows.hasNext()).isTrue();
    first.complete("text");
    assertThatThrownBy(rows::next).hasMessage("runtime closed");
    assertThat(rows.hasNext()).isTrue();
    assertThat(rows.next()).isEqualTo("row 1");
    assertThat(rows.hasNext()).isFalse();
  }

  @Test
  void aPageWhoseFuturesNeverCompleteTimesOutWhileTheOthersGoOn() {
    Pages pages = new Pages(2, p -> false);
    InFlightWindow<Integer, Integer, String> rows = pages.window(3, 2, Duration.ofSeconds(2));

    assertThat(rows.hasNext()).isTrue();
    pages.complete(2); // page 1 never completes: its model hangs
    assertThat(rows.next()).isEqualTo("row 2");
    pages.complete(3);
    assertThat(rows.next()).isEqualTo("row 3");
    // handed out once its time is up (a window that waited for it forever would hit the class's @Timeout)
    assertThat(rows.next()).as("the hung page is handed out when its time is up").isEqualTo("row 1 (failed)");
    // its futures were completed with a TimeoutException, so the runtime that made them sees them done and drops them
    assertThat(pages.submitted.get(1)).allSatisfy(
        f -> assertThatThrownBy(f::join).hasCauseInstanceOf(TimeoutException.class));
    assertThat(pages.submitted.get(3)).allSatisfy(f -> assertThat(f.join()).isEqualTo("text 3"));
    assertThat(rows.hasNext()).isFalse();
  }
}
