package io.ferrum.conductor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The WorkerPool contract, on both pools (seed 000). */
class WorkerPoolTest {

  private static WorkerPool pool(String kind, int size) {
    return kind.equals("real")
        ? new BoundedWorkerPool("test", size)
        : new SynchronousWorkerPool(size);
  }

  @ParameterizedTest
  @ValueSource(strings = {"real", "synchronous"})
  void submit_jobThrows_submitDoesNot_onlyGetDoes(String kind) {
    try (WorkerPool pool = pool(kind, 2)) {
      Future<?> future =
          pool.submit(
              () -> {
                throw new IllegalStateException("boom");
              });

      assertThatThrownBy(future::get)
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(IllegalStateException.class)
          .hasRootCauseMessage("boom");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"real", "synchronous"})
  void submit_full_refusesWithoutQueueing(String kind) throws Exception {
    WorkerPool pool = pool(kind, 1);
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Runnable blocker =
        () -> {
          inside.countDown();
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        };
    Supplier<Future<?>> submitBlocker = () -> pool.submit(blocker);
    Thread submitter = new Thread(submitBlocker::get);
    submitter.start();
    inside.await();

    assertThat(pool.active()).isEqualTo(1);
    assertThatThrownBy(() -> pool.submit(() -> {}))
        .isInstanceOf(NoFreeWorkerException.class)
        .hasMessage("No free conductor worker: all 1 are busy; retry later");

    release.countDown();
    submitter.join();
    assertThat(pool.shutdown(Duration.ofSeconds(5))).isTrue();
    assertThatThrownBy(() -> pool.submit(() -> {}))
        .isInstanceOf(NoFreeWorkerException.class)
        .hasMessage("The conductor is stopping and takes no new work");
  }

  @ParameterizedTest
  @ValueSource(strings = {"real", "synchronous"})
  void submit_rightAfterTheLastJobsFutureCompleted_isNeverRefused(String kind) throws Exception {
    try (WorkerPool pool = pool(kind, 1)) {
      for (int i = 0; i < 2000; i++) {
        pool.submit(() -> {}).get();
      }
      assertThat(pool.active()).isZero();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"real", "synchronous"})
  void submit_jobThrowsAnError_futureCarriesIt_workerFreed(String kind) throws Exception {
    try (WorkerPool pool = pool(kind, 1)) {
      Future<?> future =
          pool.submit(
              () -> {
                throw new AssertionError("broken");
              });

      assertThatThrownBy(future::get).hasCauseInstanceOf(AssertionError.class);
      pool.submit(() -> {}).get();
    }
  }
}
