package io.ferrum.driver.fake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferrum.driver.BootDevice;
import io.ferrum.driver.DriverException;
import io.ferrum.driver.DriverNode;
import io.ferrum.driver.DriverPowerState;
import io.ferrum.driver.DriverTimeoutException;
import io.ferrum.driver.HardwareType;
import io.ferrum.driver.InvalidDriverInfoException;
import io.ferrum.driver.StepOutcome;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class FakeHardwareTest {

  private static final FakeHardware FAKE = new FakeHardware();

  private static DriverNode node(Map<String, Object> info) {
    return new DriverNode(
        UUID.randomUUID().toString(), null, "fake-hardware", info, Map.of(), Map.of());
  }

  @Test
  void serviceLoader_findsFakeHardware() {
    assertThat(ServiceLoader.load(HardwareType.class).stream().map(p -> p.get().name()))
        .contains("fake-hardware");
  }

  @Test
  void power_keptPerNode() {
    DriverNode node = node(Map.of());

    assertThat(FAKE.getPowerState(node)).isEqualTo(DriverPowerState.POWER_OFF);
    FAKE.setPowerState(node, DriverPowerState.POWER_ON, false, Duration.ZERO);
    assertThat(FAKE.getPowerState(node)).isEqualTo(DriverPowerState.POWER_ON);
    assertThat(FAKE.getPowerState(node(Map.of("fake_power_state", "power on"))))
        .isEqualTo(DriverPowerState.POWER_ON);
    FAKE.setBootDevice(node, BootDevice.CDROM, true);
    assertThat(FAKE.getBootDevice(node)).isEqualTo(BootDevice.CDROM);
  }

  @Test
  void failNTimes_thenSucceeds() {
    DriverNode node = node(Map.of("fake_fail", "deploy.deploy", "fake_fail_times", "2"));

    assertThatThrownBy(() -> FAKE.deploy(node)).isInstanceOf(DriverException.class);
    assertThatThrownBy(() -> FAKE.deploy(node))
        .hasMessage("fake deploy.deploy failed on node " + node.uuid() + " (attempt 2, fake_fail)");
    assertThat(FAKE.deploy(node)).isEqualTo(StepOutcome.DONE);
    assertThat(FakeHardware.callCount(node.uuid(), "deploy.deploy")).isEqualTo(3);
  }

  @Test
  void failWith_choosesTheKindOfThrowable() {
    assertThatThrownBy(
            () ->
                FAKE.tearDown(
                    node(Map.of("fake_fail", "deploy.tear_down", "fake_fail_with", "runtime"))))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(
            () ->
                FAKE.tearDown(
                    node(Map.of("fake_fail", "deploy.tear_down", "fake_fail_with", "error"))))
        .isInstanceOf(AssertionError.class);
  }

  @Test
  void hang_timesOut() {
    DriverNode node = node(Map.of("fake_hang", "clean.clean", "fake_hang_ms", "10"));

    assertThatThrownBy(() -> FAKE.clean(node, List.of(), true))
        .isInstanceOf(DriverTimeoutException.class)
        .hasMessageContaining("hung for 10 ms");
  }

  @Test
  void wait_returnsWait() {
    assertThat(FAKE.deploy(node(Map.of("fake_wait", "deploy.deploy")))).isEqualTo(StepOutcome.WAIT);
    assertThat(FAKE.inspect(node(Map.of("fake_wait", "inspect.inspect"))).outcome())
        .isEqualTo(StepOutcome.WAIT);
  }

  @Test
  void validate_namesTheBadKey() {
    assertThatThrownBy(() -> FAKE.validate(node(Map.of("fake_fail", "deploy.explode"))))
        .isInstanceOf(InvalidDriverInfoException.class)
        .hasMessageStartingWith("driver_info.fake_fail names unknown call \"deploy.explode\"");
    assertThatThrownBy(() -> FAKE.validate(node(Map.of("fake_delay_ms", "soon"))))
        .isInstanceOf(InvalidDriverInfoException.class)
        .hasMessage(
            "driver_info.fake_delay_ms must be a whole number of zero or more, not \"soon\"");
    assertThatThrownBy(() -> FAKE.validate(node(Map.of("fake_fail_with", "panic"))))
        .isInstanceOf(InvalidDriverInfoException.class);
    FAKE.validate(node(Map.of("fake_fail", "power.set, deploy.deploy")));
  }

  @Test
  void driverNode_requireInfo_namesKeyAndDriver() {
    assertThatThrownBy(() -> node(Map.of()).requireInfo("libvirt_uri"))
        .isInstanceOf(InvalidDriverInfoException.class)
        .hasMessage("driver_info is missing \"libvirt_uri\", which the fake-hardware driver needs");
  }

  private static FakeHardware withFaultInjection(String allowed) {
    FakeHardware fake = new FakeHardware();
    fake.configure(
        io.ferrum.driver.DriverSettings.of(Map.of(FakeHardware.FAULT_INJECTION, allowed)));
    return fake;
  }

  @Test
  void checkInput_withoutFaultInjection_boundsTheDelay() {
    FakeHardware served = withFaultInjection("false");

    served.checkInput(node(Map.of("fake_delay_ms", "5000")));
    assertThatThrownBy(() -> served.checkInput(node(Map.of("fake_delay_ms", "600000"))))
        .isInstanceOf(InvalidDriverInfoException.class)
        .hasMessageStartingWith("driver_info.fake_delay_ms may be at most 5000 (ms)")
        .hasMessageContaining("--fake-fault-injection");
    assertThatThrownBy(() -> served.checkInput(node(Map.of("fake_delay_ms", 5001))))
        .isInstanceOf(InvalidDriverInfoException.class);
    // A node stored before the switch was turned off is refused before it sleeps.
    assertThatThrownBy(() -> served.validate(node(Map.of("fake_delay_ms", "600000"))))
        .isInstanceOf(InvalidDriverInfoException.class);
    assertThatThrownBy(() -> served.checkInput(node(Map.of("fake_hang", "power.get"))))
        .hasMessageStartingWith("driver_info.fake_hang makes driver calls fail or hang");

    withFaultInjection("true").checkInput(node(Map.of("fake_delay_ms", "600000")));
  }

  @Test
  void checkInput_refusesMalformedNumbers_whateverTheSwitch() {
    for (String allowed : List.of("true", "false")) {
      FakeHardware fake = withFaultInjection(allowed);
      for (String key : List.of("fake_delay_ms", "fake_fail_times", "fake_hang_ms")) {
        for (String bad : List.of("-5", "abc", "1.5")) {
          assertThatThrownBy(() -> fake.checkInput(node(Map.of(key, bad))))
              .as("%s=%s with fault injection %s", key, bad, allowed)
              .isInstanceOf(InvalidDriverInfoException.class)
              .hasMessage(
                  "driver_info."
                      + key
                      + " must be a whole number of zero or more, not \""
                      + bad
                      + "\"");
        }
      }
    }
  }
}
