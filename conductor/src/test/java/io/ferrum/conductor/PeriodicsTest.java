package io.ferrum.conductor;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrum.conductor.testing.ConductorEnv;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Each periodic task survives what it throws, and none waits for another. */
class PeriodicsTest {

  @Test
  void task_throwsAnError_runsAgainNextPeriod() {
    Periodics periodics = new Periodics("test");
    AtomicInteger runs = new AtomicInteger();
    try {
      periodics
          .task(
              "failing",
              () -> {
                if (runs.incrementAndGet() == 1) {
                  throw new StackOverflowError("first run");
                }
              })
          .every(Duration.ofMillis(10));

      ConductorEnv.await("a second run", () -> runs.get() >= 2);
    } finally {
      periodics.shutdown(Duration.ofSeconds(1));
    }
  }

  @Test
  void startingEvery_aRunLongerThanTheInterval_isFollowedByOneRunNotABurst() {
    Periodics periodics = new Periodics("test");
    long interval = Duration.ofMillis(20).toNanos();
    CountDownLatch release = new CountDownLatch(1);
    List<Long> starts = new CopyOnWriteArrayList<>();
    try {
      periodics
          .task(
              "slow-first",
              () -> {
                starts.add(System.nanoTime());
                if (starts.size() == 1) {
                  try {
                    release.await();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                }
              })
          .startingEvery(Duration.ofNanos(interval));
      ConductorEnv.await("the first run started", () -> !starts.isEmpty());
      long first = starts.get(0);
      ConductorEnv.await(
          "ten intervals passed in the first run", () -> System.nanoTime() - first > 10 * interval);
      release.countDown();

      ConductorEnv.await("two more runs", () -> starts.size() >= 3);
    } finally {
      periodics.shutdown(Duration.ofSeconds(1));
    }
    assertThat(starts.get(2) - starts.get(1))
        .as("the run after the late one waits its interval: the missed runs are not made up")
        .isGreaterThanOrEqualTo(interval);
  }

  @Test
  void task_hangs_othersKeepRunning() throws InterruptedException {
    Periodics periodics = new Periodics("test");
    CountDownLatch hanging = new CountDownLatch(1);
    AtomicInteger others = new AtomicInteger();
    try {
      periodics
          .task(
              "hung",
              () -> {
                hanging.countDown();
                try {
                  Thread.sleep(60_000);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              })
          .every(Duration.ofMillis(1));
      hanging.await();
      periodics.task("other", others::incrementAndGet).every(Duration.ofMillis(5));

      ConductorEnv.await("the other task runs", () -> others.get() >= 3);
    } finally {
      periodics.shutdown(Duration.ofSeconds(1));
    }
    assertThat(others.get()).isGreaterThanOrEqualTo(3);
  }
}
