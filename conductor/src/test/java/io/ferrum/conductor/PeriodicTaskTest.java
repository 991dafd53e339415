package io.ferrum.conductor;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrum.conductor.testing.ConductorEnv;
import io.ferrum.conductor.testing.ConductorTest;
import io.ferrum.driver.fake.FakeHardware;
import io.ferrum.faults.FaultyDataSource.When;
import java.time.Duration;
import java.util.Map;

/** The periodic tasks and the notification sink, when something in them goes wrong. */
class PeriodicTaskTest {

  @ConductorTest
  void sinkThrowsAnErrorOnStart_workRunsAndEndsNormally(ConductorEnv env) {
    Conductor conductor =
        env.newConductor(
            "picky-sink",
            2,
            b ->
                b.notificationSink(
                    notification -> {
                      env.notifications().emit(notification);
                      if (notification.eventType().endsWith(".start")) {
                        throw new AssertionError("the sink is broken");
                      }
                    }));
    Node node = conductor.createNode(NodeSpec.of("fake-hardware", Map.of()));

    Node after =
        ConductorEnv.finish(conductor.provision(node.uuid(), ProvisionRequest.of("manage")));

    assertThat(after.provisionState()).isEqualTo("manageable");
    assertThat(after.reservation()).isNull();
  }

  @ConductorTest(periodicTasks = false)
  void sinkThrowsAnErrorInTheTimeoutCheck_laterTimeoutsStillFire(ConductorEnv env) {
    int[] errors = {0};
    // A group of its own: its nodes' periodic work runs on this conductor and no other.
    Conductor conductor =
        env.newConductor(
            "error-sink",
            2,
            b ->
                b.conductorGroup("sink")
                    .callbackTimeout(Duration.ofMillis(100))
                    .timeoutCheckInterval(Duration.ofMillis(50))
                    .notificationSink(
                        notification -> {
                          env.notifications().emit(notification);
                          if (notification.eventType().endsWith(".error") && errors[0]++ == 0) {
                            throw new AssertionError("the sink is broken once");
                          }
                        }));
    Node first = waitingNode(conductor);
    ConductorEnv.await(
        "first node timed out",
        () -> conductor.getNode(first.uuid()).provisionState().equals("deploy failed"));
    Node second = waitingNode(conductor);

    ConductorEnv.await(
        "the periodic check still runs",
        () -> conductor.getNode(second.uuid()).provisionState().equals("deploy failed"));
    assertThat(errors[0]).isEqualTo(2);
  }

  @ConductorTest(periodicTasks = false)
  void timeoutCheck_oneNodeFails_theOthersStillTimeOut(ConductorEnv env) {
    Conductor conductor =
        env.newConductor(
            "timeouts",
            2,
            b -> b.callbackTimeout(Duration.ofMillis(1)).timeoutCheckInterval(Duration.ZERO));
    Node first = waitingNode(conductor);
    Node second = waitingNode(conductor);
    sleep(20);
    // The first expired node's failure write fails; the check goes on with the next.
    env.database(true).fail("INSERT INTO node_history", When.BEFORE, 1);

    int failed = conductor.checkTimeouts();

    assertThat(failed).isEqualTo(1);
    assertThat(conductor.getNode(first.uuid()).provisionState()).isEqualTo("wait call-back");
    assertThat(conductor.getNode(second.uuid()).provisionState()).isEqualTo("deploy failed");
    assertThat(conductor.checkTimeouts()).as("the first on the next check").isEqualTo(1);
  }

  @ConductorTest(periodicTasks = false)
  void powerSyncGivesUp_nodeChangedMeanwhile_leftAsTheOperatorSetIt(ConductorEnv env) {
    Conductor conductor =
        env.newConductor(
            "sync",
            2,
            b ->
                b.powerSync(PowerSyncPolicy.OBSERVE, 0)
                    .powerSyncInterval(Duration.ZERO)
                    .lockWait(Duration.ofSeconds(5)));
    Node node =
        conductor.createNode(
            NodeSpec.of("fake-hardware", Map.of("fake_fail", "power.get", "fake_delay_ms", "300"))
                .withInitialState("available"));
    Thread operator =
        new Thread(
            () -> {
              ConductorEnv.await(
                  "the sync is reading",
                  () -> FakeHardware.callCount(node.uuid(), "power.get") > 0);
              conductor.updateNode(
                  node.uuid(),
                  java.util.List.of(
                      PatchOperation.replace("/maintenance", true),
                      PatchOperation.replace("/maintenance_reason", "replacing the PSU")));
            });
    operator.start();

    conductor.syncPowerStates();
    ConductorEnv.await("operator done", () -> !operator.isAlive());

    Node after = conductor.getNode(node.uuid());
    assertThat(after.maintenance()).isTrue();
    assertThat(after.maintenanceReason()).isEqualTo("replacing the PSU");
    assertThat(after.fault()).isNull();
  }

  private static Node waitingNode(Conductor conductor) {
    Node node =
        conductor.createNode(
            NodeSpec.of("fake-hardware", Map.of("fake_wait", "deploy.deploy"))
                .withInitialState("available"));
    conductor.updateNode(
        node.uuid(),
        java.util.List.of(PatchOperation.replace("/conductor_group", conductor.conductorGroup())));
    return ConductorEnv.finish(conductor.provision(node.uuid(), ProvisionRequest.of("active")));
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
