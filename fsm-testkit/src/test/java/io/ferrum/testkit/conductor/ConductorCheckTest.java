package io.ferrum.testkit.conductor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferrum.conductor.BoundedWorkerPool;
import io.ferrum.conductor.NotificationSink;
import io.ferrum.conductor.WorkerPool;
import io.ferrum.driver.HardwareType;
import io.ferrum.driver.fake.FakeHardware;
import io.ferrum.testkit.Budget;
import io.ferrum.testkit.Choices;
import io.ferrum.testkit.Report;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Ferrum's conductor passes the model check under injected faults; a planted bug is found, with its
 * seed and its operations, and shrunk.
 */
class ConductorCheckTest {

  @Test
  void realConductor_withFaults_passes() {
    Report report = ConductorCheck.ofDefaults().budget(ConductorCheck.defaultBudget()).run();

    System.out.println(report);
    report.assertPassed();
  }

  @Test
  void realConductor_onPostgres_passes() {
    TestPostgres.assumeAvailable();
    Budget budget = ConductorCheck.defaultBudget();
    Report report =
        ConductorCheck.ofDefaults()
            .database(TestPostgres::fresh)
            .budget(budget.withExamples(Math.max(2, budget.examples() / 10)).withMaxSteps(30))
            .run();

    report.assertPassed();
  }

  @Test
  void choices_driveOneRun() {
    Report report =
        ConductorCheck.ofDefaults()
            .run(Choices.of(java.util.List.of(0, 0, 1, 7, 2, 13, 0, 20, 1, 33, 2, 40)), 6);

    report.assertPassed();
  }

  /**
   * A planted bug: a notification sink that loses the first provision {@code end} it is given, as a
   * bus that drops a message under load does. The check must see the start left without its end.
   */
  @Test
  void sinkThatDropsAnEnd_isFound_withSeedAndShrunkOperations() {
    Report report =
        ConductorCheck.of(wiring -> wiring.builder().notificationSink(dropFirstEnd(wiring)))
            .faults(false)
            .budget(new Budget(5, 30, 42))
            .run();

    System.out.println(report);
    assertThat(report.passed()).isFalse();
    assertThat(report.failures())
        .extracting(c -> c.name())
        .contains("every start has its end or error");
    assertThat(report.toString())
        .contains("replay with -Dferrum.testkit.seed=42")
        .contains("client ")
        .contains("create n0");
    assertThat(report.violations().get(0).events().size()).isLessThan(30);
    // The failing run alone, as the report's replay line says: the same operations fail again.
    Report replayed =
        ConductorCheck.of(wiring -> wiring.builder().notificationSink(dropFirstEnd(wiring)))
            .faults(false)
            .run(Choices.seeded(ConductorCheck.runSeed(42, 0)), 30);
    assertThat(replayed.failures())
        .extracting(c -> c.name())
        .contains("every start has its end or error");
    assertThat(report.toString())
        .contains("run(Choices.seeded(" + ConductorCheck.runSeed(42, 0) + "L), 30)");
  }

  /**
   * A planted bug: a worker pool that accepts its first job and never runs it, as a pool whose
   * queue is dropped does. The request never returns and the node stays locked; the check says so.
   */
  @Test
  void poolThatLosesAJob_isFound_withSeed() {
    Report report =
        ConductorCheck.of(wiring -> wiring.builder().workerPool(new LosesFirstJob()))
            .faults(false)
            .jobWait(Duration.ofSeconds(1))
            .shrinkTime(Duration.ofSeconds(20))
            .budget(new Budget(3, 20, 7))
            .run();

    System.out.println(report);
    assertThat(report.failures())
        .extracting(c -> c.name())
        .contains("every accepted request ends", "no node stays locked");
    assertThat(report.toString()).contains("replay with -Dferrum.testkit.seed=7");
  }

  /** Loses the first job it is given: accepted, never run, never done. */
  private static final class LosesFirstJob implements WorkerPool {
    private final BoundedWorkerPool real = new BoundedWorkerPool("losing", 8);
    private final AtomicBoolean lost = new AtomicBoolean();

    @Override
    public CompletableFuture<Void> submit(Runnable job) {
      if (lost.compareAndSet(false, true)) {
        return new CompletableFuture<>();
      }
      return real.submit(job);
    }

    @Override
    public int active() {
      return real.active();
    }

    @Override
    public int capacity() {
      return real.capacity();
    }

    @Override
    public boolean shutdown(Duration deadline) {
      return real.shutdown(deadline);
    }
  }

  private static NotificationSink dropFirstEnd(ConductorWiring wiring) {
    AtomicBoolean dropped = new AtomicBoolean();
    NotificationSink sink = wiring.notificationSink();
    return notification -> {
      if (notification.eventType().equals("baremetal.node.provision_set.end")
          && dropped.compareAndSet(false, true)) {
        return;
      }
      sink.emit(notification);
    };
  }

  @Test
  void aHardwareTypeFromASupplier_isAFreshOneForEveryRun() {
    List<AtomicInteger> calls = new CopyOnWriteArrayList<>();
    Report report =
        ConductorCheck.ofDefaults()
            .hardwareType(
                () -> {
                  AtomicInteger count = new AtomicInteger();
                  calls.add(count);
                  return counting(new FakeHardware(), count);
                },
                List.of(Map.of()))
            .faults(false)
            .budget(new Budget(3, 10, 5))
            .run();

    report.assertPassed();
    assertThat(calls).as("one hardware type per run").hasSize(3);
    assertThat(calls).as("each used by its run").allSatisfy(c -> assertThat(c.get()).isPositive());
  }

  @Test
  void theOneHardwareTypeInstance_servesEveryRun() {
    AtomicInteger count = new AtomicInteger();
    HardwareType shared = counting(new FakeHardware(), count);
    List<Integer> before = new CopyOnWriteArrayList<>();
    ConductorCheck.of(
            wiring -> {
              before.add(count.get());
              return wiring.builder();
            })
        .hardwareType(shared, List.of(Map.of()))
        .faults(false)
        .budget(new Budget(2, 10, 5))
        .run()
        .assertPassed();

    assertThat(before).hasSize(2);
    assertThat(before.get(1)).as("the second run starts with the first one's calls").isPositive();
  }

  /** {@code type}, counting every call made on it. */
  private static HardwareType counting(HardwareType type, AtomicInteger count) {
    return (HardwareType)
        Proxy.newProxyInstance(
            HardwareType.class.getClassLoader(),
            new Class<?>[] {HardwareType.class},
            (proxy, method, args) -> {
              count.incrementAndGet();
              try {
                return method.invoke(type, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }

  @Test
  void aHardwareTypeThatRefusesEveryDriverInfo_isRefusedBeforeAnyOperation() {
    ConductorCheck check =
        ConductorCheck.ofDefaults()
            .hardwareType(
                new FakeHardware(),
                List.of(Map.of("fake_fail", "no-such-call", "ipmi_password", "hunter2")))
            .budget(new Budget(1, 10, 1));
    assertThatThrownBy(check::run)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("hardware type \"fake-hardware\" refuses every driver_info given")
        .hasMessageContaining("fake_fail=no-such-call")
        .hasMessageContaining("ipmi_password=******")
        .hasMessageContaining("driver_info.fake_fail names unknown call \"no-such-call\"")
        .hasMessageContaining("ConductorCheck.hardwareType(type, driverInfos)")
        .hasMessageNotContaining("hunter2");
  }
}
