package io.ferrum.driver.ipmi;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Commands to one BMC never overlap and keep their distance; other BMCs are not held up. */
class BmcGateTest {

  private final ExecutorService threads = Executors.newFixedThreadPool(4);

  @AfterEach
  void stop() {
    threads.shutdownNow();
  }

  @Test
  void oneBmc_commandsNeverOverlap_andAreSpacedByTheInterval() throws Exception {
    BmcGate gate = new BmcGate(Duration.ofMillis(50));
    AtomicInteger running = new AtomicInteger();
    List<long[]> spans = Collections.synchronizedList(new ArrayList<>());
    List<Future<Integer>> calls = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      calls.add(
          threads.submit(
              () ->
                  gate.run(
                      "10.0.0.1:623",
                      () -> {
                        int overlapping = running.incrementAndGet();
                        long start = System.nanoTime();
                        running.decrementAndGet();
                        spans.add(new long[] {start, System.nanoTime()});
                        return overlapping;
                      })));
    }
    for (Future<Integer> call : calls) {
      assertThat(call.get()).isEqualTo(1);
    }
    spans.sort((a, b) -> Long.compare(a[0], b[0]));
    for (int i = 1; i < spans.size(); i++) {
      assertThat(spans.get(i)[0] - spans.get(i - 1)[1])
          .isGreaterThanOrEqualTo(Duration.ofMillis(50).toNanos());
    }
  }

  @Test
  void busyBmc_doesNotHoldUpAnother() throws Exception {
    BmcGate gate = new BmcGate(Duration.ZERO);
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Future<Object> slow =
        threads.submit(
            () ->
                gate.run(
                    "10.0.0.1:623",
                    () -> {
                      inside.countDown();
                      try {
                        release.await();
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                      }
                      return null;
                    }));
    assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();

    Future<String> other = threads.submit(() -> gate.run("10.0.0.2:623", () -> "done"));

    assertThat(other.get(10, TimeUnit.SECONDS)).isEqualTo("done");
    assertThat(slow.isDone()).isFalse();
    release.countDown();
    slow.get(10, TimeUnit.SECONDS);
  }
}
