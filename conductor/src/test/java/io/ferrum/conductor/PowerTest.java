package io.ferrum.conductor;

import static io.ferrum.conductor.testing.ConductorEnv.failure;
import static io.ferrum.conductor.testing.ConductorEnv.finish;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferrum.conductor.testing.ConductorEnv;
import io.ferrum.conductor.testing.ConductorTest;
import io.ferrum.driver.DriverPowerState;
import io.ferrum.driver.fake.FakeHardware;
import java.time.Duration;
import java.util.Map;

class PowerTest {

  @ConductorTest
  void powerOnOffReboot_setTargetWhileRunning_thenClearIt(ConductorEnv env) {
    Node node = env.nodeIn("manageable", Map.of());
    Conductor conductor = env.conductor();

    ActionHandle on = conductor.power(node.uuid(), "power on", null);
    assertThat(on.applied().targetPowerState()).isEqualTo("power on");
    assertThat(on.applied().powerState()).isEqualTo("power off");
    Node powered = finish(on);
    assertThat(powered.powerState()).isEqualTo("power on");
    assertThat(powered.targetPowerState()).isNull();
    assertThat(FakeHardware.hardwarePowerState(node.uuid())).isEqualTo(DriverPowerState.POWER_ON);

    assertThat(finish(conductor.power(node.uuid(), "rebooting", null)).powerState())
        .isEqualTo("power on");
    assertThat(
            finish(conductor.power(node.uuid(), "soft rebooting", Duration.ofSeconds(5)))
                .powerState())
        .isEqualTo("power on");
    ActionHandle softOff = conductor.power(node.uuid(), "soft power off", Duration.ofSeconds(5));
    assertThat(softOff.applied().targetPowerState()).isEqualTo("power off");
    assertThat(finish(softOff).powerState()).isEqualTo("power off");
    assertThat(env.notifications().forNode(node.uuid()))
        .extracting(Notification::eventType)
        .containsSubsequence("baremetal.node.power_set.start", "baremetal.node.power_set.end");
    assertThat(conductor.history(node.uuid()))
        .filteredOn(h -> h.eventType().equals("power"))
        .extracting(HistoryEvent::event)
        .containsExactly(
            "power on",
            "power on",
            "reboot",
            "reboot",
            "soft reboot",
            "soft reboot",
            "soft power off",
            "soft power off");
  }

  @ConductorTest
  void powerFailure_recordsObservedState_clearsTarget_notifiesError(ConductorEnv env) {
    Node node = env.nodeIn("manageable", Map.of("fake_fail", "power.set"));

    Throwable failure = failure(env.conductor().power(node.uuid(), "power on", null));

    assertThat(failure).hasMessageContaining("fake power.set failed");
    Node after = env.conductor().getNode(node.uuid());
    assertThat(after.powerState()).as("observed from the hardware").isEqualTo("power off");
    assertThat(after.targetPowerState()).isNull();
    assertThat(after.lastError()).startsWith("power power on failed: fake power.set failed");
    assertThat(after.reservation()).isNull();
    assertThat(after.provisionState()).isEqualTo("manageable");
    assertThat(env.notifications().forNode(node.uuid()))
        .extracting(Notification::eventType)
        .endsWith("baremetal.node.power_set.error");
  }

  @ConductorTest
  void powerFailure_hardwareUnreadable_storesError(ConductorEnv env) {
    Node node = env.nodeIn("manageable", Map.of());
    env.conductor()
        .updateNode(
            node.uuid(),
            java.util.List.of(PatchOperation.add("/driver_info/fake_fail", "power.set,power.get")));

    failure(env.conductor().power(node.uuid(), "power on", null));

    assertThat(env.conductor().getNode(node.uuid()).powerState()).isEqualTo("error");
  }

  @ConductorTest
  void badRequests_areRefusedWithoutChange(ConductorEnv env) {
    Node node = env.nodeIn("manageable", Map.of());
    Conductor conductor = env.conductor();

    assertThatThrownBy(() -> conductor.power(node.uuid(), "power sideways", null))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessageStartingWith("Unknown power target \"power sideways\"; valid targets:");
    assertThatThrownBy(() -> conductor.power(node.uuid(), "soft power off", null))
        .isInstanceOf(InvalidStateRequestedException.class)
        .hasMessageContaining("while its power state is \"power off\"");
    assertThatThrownBy(() -> conductor.power(node.uuid(), "power on", Duration.ZERO))
        .isInstanceOf(InvalidParameterException.class);
    assertThat(conductor.getNode(node.uuid()).version()).isEqualTo(node.version());
  }

  @ConductorTest
  void powerChange_whileCleaning_isRefused(ConductorEnv env) {
    Node node = env.nodeIn("manageable", Map.of("fake_wait", "clean.clean"));
    finish(env.conductor().provision(node.uuid(), ProvisionRequest.of("provide")));

    assertThatThrownBy(() -> env.conductor().power(node.uuid(), "power on", null))
        .isInstanceOf(InvalidStateRequestedException.class)
        .hasMessageContaining("while it is in state \"clean wait\"");
  }
}
