package io.ferrum.conductor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferrum.driver.DriverTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Deadlines of driver calls when the conductor's own process is held up. */
class DriverCallsTest {

  private final DriverCalls calls = new DriverCalls("c1", Map.of(), 10);

  @AfterEach
  void stop() {
    calls.shutdown();
  }

  /**
   * As after SIGSTOP and SIGCONT: the deadline's timer and the call's thread wake together, the
   * timer long overdue. The call had its answer; it must not fail as if the hardware hung.
   */
  @Test
  void aCallHeldUpWithItsProcess_isNotAbandoned_whenItsDeadlineIsNoticedLate() throws Exception {
    CountDownLatch resumed = new CountDownLatch(1);
    // The timer thread is held up past the deadline, then lets the call's thread go on.
    calls
        .deadlineTimer()
        .execute(
            () -> {
              sleep(Duration.ofMillis(1500));
              resumed.countDown();
            });
    CompletableFuture<String> call =
        calls.callAsync(
            "power.getPowerState",
            Duration.ofMillis(300),
            () -> {
              resumed.await();
              return "power on";
            });

    assertThat(call.get(10, TimeUnit.SECONDS)).isEqualTo("power on");
    assertThat(calls.abandoned()).isZero();
  }

  @Test
  void aCallStillHungAfterTheGrace_isAbandoned_sayingTheProcessWasLate() {
    calls.deadlineTimer().execute(() -> sleep(Duration.ofMillis(1500)));
    CompletableFuture<String> call =
        calls.callAsync(
            "power.getPowerState",
            Duration.ofMillis(300),
            () -> {
              Thread.sleep(60_000);
              return "never";
            });

    assertThatThrownBy(() -> call.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(DriverTimeoutException.class)
        .hasMessageContaining("did not return within its deadline of 300 ms")
        .hasMessageContaining("the conductor's process was paused or starved while it ran");
  }

  @Test
  void aHungCallWhoseDeadlineIsNoticedOnTime_isAbandonedAtIt_withoutBlamingTheProcess() {
    CompletableFuture<String> call =
        calls.callAsync(
            "power.getPowerState",
            Duration.ofMillis(200),
            () -> {
              Thread.sleep(60_000);
              return "never";
            });

    assertThatThrownBy(() -> call.get(10, TimeUnit.SECONDS))
        .cause()
        .isInstanceOf(DriverTimeoutException.class)
        .hasMessageNotContaining("paused");
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
