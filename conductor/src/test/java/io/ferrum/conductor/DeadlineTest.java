package io.ferrum.conductor;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrum.conductor.testing.ConductorEnv;
import io.ferrum.conductor.testing.ConductorTest;
import io.ferrum.driver.DriverTimeoutException;
import io.ferrum.driver.fake.FakeHardware;
import java.time.Duration;
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
