package io.ferrum.conductor;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrum.conductor.testing.ConductorEnv;
import io.ferrum.conductor.testing.ConductorTest;
import io.ferrum.driver.DriverPowerState;
import io.ferrum.driver.fake.FakeHardware;
import java.util.List;
import java.util.Map;

/** The periodic power-state sync, run by hand. */
class PowerSyncTest {

  @ConductorTest(periodicTasks = false)
  void observe_storesWhatTheHardwareSays_withHistoryAndNotification(ConductorEnv env) {
    Node node = env.nodeIn("manageable", Map.of());
    FakeHardware.setHardwarePowerState(node.uuid(), DriverPowerState.POWER_ON);

    assertThat(env.conductor().syncPowerStates()).isEqualTo(1);

    assertThat(env.conductor().getNode(node.uuid()).powerState()).isEqualTo("power on");
    assertThat(env.conductor().history(node.uuid()))
        .last()
        .satisfies(h -> assertThat(h.event()).isEqualTo("power_state_corrected"));
    assertThat(env.notifications().forNode(node.uuid()))
        .last()
        .satisfies(
            n -> {
              assertThat(n.eventType()).isEqualTo("baremetal.node.power_state_corrected.success");
              assertThat(n.payload()).containsEntry("from_power", "power off");
            });
    assertThat(env.conductor().syncPowerStates()).as("in agreement now").isZero();
  }

  @ConductorTest(periodicTasks = false)
  void enforce_pushesTheStoredStateBack_afterRepeatedDisagreement(ConductorEnv env) {
    Node node = env.nodeIn("manageable", Map.of());
    env.conductor()
        .updateNode(
            node.uuid(), List.of(PatchOperation.add("/extra/power_sync_policy", "enforce")));
    FakeHardware.setHardwarePowerState(node.uuid(), DriverPowerState.POWER_ON);

    assertThat(env.conductor().syncPowerStates()).isZero();
    assertThat(env.conductor().syncPowerStates()).isZero();
    assertThat(env.conductor().syncPowerStates()).isEqualTo(1);

    assertThat(FakeHardware.hardwarePowerState(node.uuid())).isEqualTo(DriverPowerState.POWER_OFF);
    assertThat(env.conductor().getNode(node.uuid()).powerState()).isEqualTo("power off");
    assertThat(env.conductor().history(node.uuid()))
        .last()
        .satisfies(h -> assertThat(h.event()).isEqualTo("power_state_enforced"));
  }

  @ConductorTest(periodicTasks = false)
  void unreadableHardware_goesToMaintenanceWithPowerFailure_afterRetries(ConductorEnv env) {
    Node node = env.nodeIn("manageable", Map.of());
    env.conductor()
        .updateNode(
            node.uuid(), List.of(PatchOperation.add("/driver_info/fake_fail", "power.get")));

    for (int i = 0; i < 3; i++) {
      assertThat(env.conductor().syncPowerStates()).isZero();
    }
    assertThat(env.conductor().syncPowerStates()).isEqualTo(1);

    Node after = env.conductor().getNode(node.uuid());
    assertThat(after.maintenance()).isTrue();
    assertThat(after.fault()).isEqualTo("power failure");
    assertThat(after.maintenanceReason())
        .startsWith(
            "Power sync could not read the power state 4 times in a row: fake power.get failed");
    assertThat(after.powerState()).isNull();
    assertThat(env.conductor().syncPowerStates()).as("maintenance nodes are skipped").isZero();
  }

  @ConductorTest(periodicTasks = false)
  void aDriverThatThrowsAnError_countsAsAFailedRead_andTheSweepGoesOn(ConductorEnv env) {
    Node broken = env.nodeIn("manageable", Map.of());
    env.conductor()
        .updateNode(
            broken.uuid(),
            List.of(
                PatchOperation.add("/driver_info/fake_fail", "power.get"),
                PatchOperation.add("/driver_info/fake_fail_with", "error")));
    Node healthy = env.nodeIn("manageable", Map.of());
    FakeHardware.setHardwarePowerState(healthy.uuid(), DriverPowerState.POWER_ON);

    assertThat(env.conductor().syncPowerStates()).as("the healthy node is synced").isEqualTo(1);
    assertThat(env.conductor().getNode(healthy.uuid()).powerState()).isEqualTo("power on");
    for (int i = 0; i < 2; i++) {
      assertThat(env.conductor().syncPowerStates()).isZero();
    }
    assertThat(env.conductor().syncPowerStates()).isEqualTo(1);

    Node after = env.conductor().getNode(broken.uuid());
    assertThat(after.maintenance()).isTrue();
    assertThat(after.fault()).isEqualTo("power failure");
    assertThat(after.maintenanceReason()).contains("fake power.get failed");
    assertThat(after.reservation()).isNull();
  }

  @ConductorTest(periodicTasks = false)
  void excludedStates_andBusyNodes_areSkipped(ConductorEnv env) {
    Node enrolled = env.createNode(Map.of());
    FakeHardware.setHardwarePowerState(enrolled.uuid(), DriverPowerState.POWER_ON);

    assertThat(env.conductor().syncPowerStates()).isZero();
    assertThat(env.conductor().getNode(enrolled.uuid()).powerState()).isNull();
  }

  /**
   * Sweeps that overlap (as a slow sweep and the next one do) see reads that just ended; a read
   * whose driver call returned is never counted as stuck, however close the next sweep comes. With
   * no retries allowed, one such count would put the node into maintenance.
   */
  @ConductorTest(periodicTasks = false)
  void overlappingSweeps_neverCountAReadThatReturned_asStuck(ConductorEnv env) throws Exception {
    Conductor conductor =
        env.newConductor(
            "sweeper",
            4,
            builder ->
                ConductorEnv.withoutPeriodicTasks(builder)
                    .powerSync(PowerSyncPolicy.OBSERVE, 0)
                    .powerSyncConcurrency(64, 64));
    List<String> nodes = new java.util.ArrayList<>();
    for (int i = 0; i < 40; i++) {
      nodes.add(env.nodeIn("manageable", Map.of()).uuid());
    }
    long until = System.nanoTime() + java.time.Duration.ofMillis(1500).toNanos();
    List<Thread> sweepers = new java.util.ArrayList<>();
    java.util.concurrent.atomic.AtomicReference<Throwable> failed =
        new java.util.concurrent.atomic.AtomicReference<>();
    for (int t = 0; t < 3; t++) {
      Thread sweeper =
          new Thread(
              () -> {
                try {
                  while (System.nanoTime() < until) {
                    conductor.syncPowerStates();
                  }
                } catch (Throwable e) {
                  failed.compareAndSet(null, e);
                }
              });
      sweeper.start();
      sweepers.add(sweeper);
    }
    for (Thread sweeper : sweepers) {
      sweeper.join();
    }
    assertThat(failed.get()).isNull();
    for (String uuid : nodes) {
      Node after = conductor.getNode(uuid);
      assertThat(after.maintenance()).as("node %s: %s", uuid, after.maintenanceReason()).isFalse();
    }
  }
}
