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
}
