package io.ferrum.conductor;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrum.conductor.testing.ConductorEnv;
import io.ferrum.conductor.testing.ConductorTest;
import io.ferrum.driver.DriverPowerState;
import io.ferrum.driver.DriverTimeoutException;
import io.ferrum.driver.fake.FakeHardware;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Driver calls that never return: no worker, lock or periodic task waits for them past their
 * deadline.
 */
class DeadlineTest {

  @ConductorTest
  void driverCallNeverReturns_operationFailsAtItsDeadline_lockAndWorkerFreed(ConductorEnv env) {
    Conductor conductor =
        env.newConductor("deadline", 1, b -> b.driverCallTimeout("deploy", Duration.ofMillis(300)));
    Node node =
        conductor.createNode(
            NodeSpec.of(
                    "fake-hardware",
                    Map.of(
                        "fake_hang", "deploy.deploy",
                        "fake_hang_ms", "5000",
                        "fake_hang_ignores_interrupt", "true"))
                .withInitialState("available"));

    Throwable failure =
        ConductorEnv.failure(conductor.provision(node.uuid(), ProvisionRequest.of("active")));

    assertThat(failure)
        .isInstanceOf(DriverTimeoutException.class)
        .hasMessageContaining("deploy.deploy did not return within its deadline of 300 ms");
    Node after = conductor.getNode(node.uuid());
    assertThat(after.provisionState()).isEqualTo("deploy failed");
    assertThat(after.lastError()).contains("did not return within its deadline");
    assertThat(after.reservation()).isNull();
    assertThat(conductor.workers().active()).isZero();
    // The one worker is free for the next job although the driver's thread still hangs.
    Node other =
        conductor.createNode(NodeSpec.of("fake-hardware", Map.of()).withInitialState("available"));
    assertThat(
            ConductorEnv.finish(conductor.provision(other.uuid(), ProvisionRequest.of("active")))
                .provisionState())
        .isEqualTo("active");
  }

  // The cell's own conductor runs no periodic tasks, and this one has a group of its own: only
  // its periodic tasks can time the wait out, while its power sync hangs on another node.
  @ConductorTest(periodicTasks = false)
  void powerReadHangs_callbackTimeoutsStillFire(ConductorEnv env) {
    Conductor conductor =
        env.newConductor(
            "periodic",
            4,
            b ->
                b.conductorGroup("hangs")
                    .powerSyncInterval(Duration.ofMillis(50))
                    .timeoutCheckInterval(Duration.ofMillis(50))
                    .callbackTimeout(Duration.ofMillis(300)));
    Node hung =
        inGroup(
            conductor,
            conductor.createNode(
                NodeSpec.of(
                        "fake-hardware", Map.of("fake_hang", "power.get", "fake_hang_ms", "60000"))
                    .withInitialState("available")));
    Node waiting =
        inGroup(
            conductor,
            conductor.createNode(
                NodeSpec.of("fake-hardware", Map.of("fake_wait", "deploy.deploy"))
                    .withInitialState("available")));
    ConductorEnv.await(
        "the power sync is stuck reading " + hung.uuid(),
        () -> FakeHardware.callCount(hung.uuid(), "power.get") > 0);

    ConductorEnv.finish(conductor.provision(waiting.uuid(), ProvisionRequest.of("active")));

    ConductorEnv.await(
        "the wait times out while the sync hangs",
        () -> conductor.getNode(waiting.uuid()).provisionState().equals("deploy failed"));
    assertThat(conductor.getNode(waiting.uuid()).lastError())
        .startsWith("Timeout reached while waiting for callback");
  }

  // The power deadline is far longer than the test: the hung reads hang throughout, and only a
  // sweep that stops waiting for them at its period can correct the healthy nodes.
  @ConductorTest
  void powerReadsHang_healthyNodesStillSyncedEachPeriod_hungNodesReadOnce(ConductorEnv env) {
    Conductor conductor =
        env.newConductor(
            "sweeps",
            2,
            b ->
                b.conductorGroup("hung-bmcs")
                    .powerSyncInterval(Duration.ofMillis(200))
                    .driverCallTimeout("power", Duration.ofSeconds(60)));
    List<Node> hung = new ArrayList<>();
    List<Node> healthy = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      hung.add(
          conductor.createNode(
              NodeSpec.of(
                      "fake-hardware", Map.of("fake_hang", "power.get", "fake_hang_ms", "120000"))
                  .withInitialState("available")
                  .withConductorGroup("hung-bmcs")));
      healthy.add(
          conductor.createNode(
              NodeSpec.of("fake-hardware", Map.of())
                  .withInitialState("available")
                  .withConductorGroup("hung-bmcs")));
    }
    for (Node node : hung) {
      ConductorEnv.await(
          "the read of " + node.uuid() + " hangs",
          () -> FakeHardware.callCount(node.uuid(), "power.get") > 0);
    }
    // A node is created with no power state: once it is "power off", its first read was handled.
    for (Node node : healthy) {
      ConductorEnv.await(
          "the first read of " + node.uuid() + " handled",
          () -> "power off".equals(conductor.getNode(node.uuid()).powerState()));
    }

    // The hardware changes behind the conductor's back, twice: each needs a sweep after it.
    for (DriverPowerState now : List.of(DriverPowerState.POWER_ON, DriverPowerState.POWER_OFF)) {
      String expected = now == DriverPowerState.POWER_ON ? "power on" : "power off";
      for (Node node : healthy) {
        FakeHardware.setHardwarePowerState(node.uuid(), now);
      }
      for (Node node : healthy) {
        ConductorEnv.await(
            node.uuid() + " corrected to " + expected + " while the hung reads still hang",
            () -> expected.equals(conductor.getNode(node.uuid()).powerState()));
      }
    }

    assertThat(conductor.driverCallsAbandoned()).as("no read reached its deadline").isZero();
    for (Node node : hung) {
      assertThat(FakeHardware.callCount(node.uuid(), "power.get"))
          .as("reads of %s: later sweeps skip it while its read is in flight", node.uuid())
          .isEqualTo(1);
      Node after = conductor.getNode(node.uuid());
      assertThat(after.maintenance()).isFalse();
      assertThat(after.powerState()).isNull();
    }
  }

  @ConductorTest
  void powerReadsPassTheirDeadline_eachCountsOnce_thenMaintenance_noThreadLeftStuck(
      ConductorEnv env) {
    // Each read outlives its deadline and the sweep that started it, and its thread the deadline.
    HungRead hung = hungPowerRead(env, "late", 1, Duration.ofMillis(300), 1500);
    Conductor conductor = hung.conductor();
    Node node = hung.node();

    ConductorEnv.await(
        "the node in maintenance", () -> conductor.getNode(node.uuid()).maintenance());

    Node after = conductor.getNode(node.uuid());
    assertThat(after.fault()).isEqualTo("power failure");
    assertThat(after.maintenanceReason())
        .startsWith("Power sync could not read the power state 2 times in a row")
        .containsAnyOf(
            "did not return within its deadline of 300 ms",
            "passed its deadline and has still not returned from the driver");
    assertThat(FakeHardware.callCount(node.uuid(), "power.get")).isGreaterThanOrEqualTo(1);
    assertThat(conductor.driverCallsAbandoned()).isGreaterThanOrEqualTo(1);
    ConductorEnv.await(
        "the abandoned reads' threads returned", () -> conductor.driverCallsStuck() == 0);
  }

  @ConductorTest
  void powerReadStuckInTheDriver_noSecondReadOfTheNode_stillReachesMaintenance(ConductorEnv env) {
    // The read's thread ignores interrupts and stays in the driver well past every sweep below, as
    // a driver stuck in native code does; a new read each sweep would pile threads up.
    HungRead hung = hungPowerRead(env, "stuck", 3, Duration.ofMillis(200), 6000);
    Conductor conductor = hung.conductor();
    Node node = hung.node();

    ConductorEnv.await(
        "the node in maintenance", () -> conductor.getNode(node.uuid()).maintenance());

    Node after = conductor.getNode(node.uuid());
    assertThat(after.fault()).isEqualTo("power failure");
    assertThat(after.maintenanceReason())
        .startsWith("Power sync could not read the power state 4 times in a row")
        .contains("passed its deadline and has still not returned from the driver");
    assertThat(FakeHardware.callCount(node.uuid(), "power.get")).isEqualTo(1);
    assertThat(conductor.driverCallsAbandoned()).isEqualTo(1);
    ConductorEnv.await("the stuck read's thread returned", () -> conductor.driverCallsStuck() == 0);
  }

  /** A conductor of its own group, syncing power every 100 ms, and its one node. */
  private record HungRead(Conductor conductor, Node node) {}

  /**
   * A conductor named {@code name} whose power sync allows {@code retries} failed reads and gives
   * each read {@code deadline}, with one node whose power read hangs {@code hangMs}, ignoring
   * interrupts.
   */
  private static HungRead hungPowerRead(
      ConductorEnv env, String name, int retries, Duration deadline, long hangMs) {
    String group = name + "-bmcs";
    Conductor conductor =
        env.newConductor(
            name,
            2,
            b ->
                b.conductorGroup(group)
                    .powerSync(PowerSyncPolicy.OBSERVE, retries)
                    .powerSyncInterval(Duration.ofMillis(100))
                    .driverCallTimeout("power", deadline));
    Node node =
        conductor.createNode(
            NodeSpec.of(
                    "fake-hardware",
                    Map.of(
                        "fake_hang", "power.get",
                        "fake_hang_ms", Long.toString(hangMs),
                        "fake_hang_ignores_interrupt", "true"))
                .withInitialState("available")
                .withConductorGroup(group));
    return new HungRead(conductor, node);
  }

  private static Node inGroup(Conductor conductor, Node node) {
    return conductor.updateNode(
        node.uuid(),
        java.util.List.of(PatchOperation.replace("/conductor_group", conductor.conductorGroup())));
  }

  @ConductorTest
  void closeWhileWorkStillRuns_nodeFailedAndReleased_lateWritesFencedOut(ConductorEnv env) {
    env.expectRepairs();
    Conductor conductor =
        env.newConductor("stopping", 2, b -> b.shutdownDeadline(Duration.ofMillis(200)));
    Node node =
        conductor.createNode(NodeSpec.of("fake-hardware", Map.of()).withInitialState("available"));
    ActionHandle[] handle = new ActionHandle[1];
    Thread requester =
        new Thread(
            () -> {
              try (Task task = conductor.tasks().acquire(node.uuid(), "slow", LockMode.EXCLUSIVE)) {
                // Work that ignores interrupts: nothing but the fence stops its late write.
                task.spawnAfter(
                    "deploy",
                    null,
                    (t, applied) -> {
                      sleepThroughInterrupts(1500);
                      t.processEvent("done");
                    });
                handle[0] = task.handOff();
              }
            });
    requester.start();
    ConductorEnv.await(
        "deploy started",
        () -> conductor.getNode(node.uuid()).provisionState().equals("deploying"));

    conductor.close();

    Node after = env.conductor().getNode(node.uuid());
    assertThat(after.provisionState()).isEqualTo("deploy failed");
    assertThat(after.lastError())
        .isEqualTo(
            "Conductor stopping stopped before the deploying work finished. Moving to fail"
                + " state.");
    assertThat(after.reservation()).isNull();
    ConductorEnv.await("the work gave up", () -> !requester.isAlive());
    ConductorEnv.await("the late job ended", () -> handle[0] != null && handle[0].done().isDone());
    assertThat(env.conductor().getNode(node.uuid()).provisionState())
        .as("the late \"done\" was fenced out")
        .isEqualTo("deploy failed");
  }

  static void sleepThroughInterrupts(long millis) {
    long end = System.nanoTime() + millis * 1_000_000;
    boolean interrupted = false;
    for (long left = millis; left > 0; left = (end - System.nanoTime()) / 1_000_000) {
      try {
        Thread.sleep(left);
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
