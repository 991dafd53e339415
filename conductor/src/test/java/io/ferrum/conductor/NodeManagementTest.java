package io.ferrum.conductor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferrum.conductor.testing.ConductorEnv;
import io.ferrum.conductor.testing.ConductorTest;
import io.ferrum.driver.fake.FakeHardware;
import java.util.Map;

/** Boot device and NMI through the management interface, under the node's lock. */
class NodeManagementTest {

  @ConductorTest
  void bootDevice_setThenShown_andSupportedListed(ConductorEnv env) {
    NodeManagement management = env.conductor().management();
    Node node = env.createNode(Map.of());

    management.setBootDevice(node.uuid(), "disk", true);

    assertThat(management.bootDevice(node.uuid())).isEqualTo(new BootDeviceState("disk", null));
    assertThat(management.supportedBootDevices(node.uuid()))
        .containsExactly("pxe", "disk", "cdrom");
    assertThatThrownBy(() -> management.setBootDevice(node.uuid(), "floppy", false))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessageStartingWith("Invalid boot device floppy");
    assertThat(env.conductor().getNode(node.uuid()).reservation()).isNull();
  }

  @ConductorTest
  void injectNmi_reachesTheDriver(ConductorEnv env) {
    Node node = env.createNode(Map.of());

    env.conductor().management().injectNmi(node.uuid());

    assertThat(FakeHardware.callCount(node.uuid(), "management.inject_nmi")).isEqualTo(1);
  }

  @ConductorTest
  void hardwareFailure_isTemporary_andReleasesTheNode(ConductorEnv env) {
    Node node = env.createNode(Map.of("fake_fail", "management.set_boot_device"));

    assertThatThrownBy(() -> env.conductor().management().setBootDevice(node.uuid(), "pxe", false))
        .isInstanceOf(DriverFailedException.class)
        .hasMessageContaining("fake management.set_boot_device failed")
        .extracting(e -> ((FerrumException) e).kind())
        .isEqualTo(ErrorKind.TEMPORARY);
    assertThat(env.conductor().getNode(node.uuid()).reservation()).isNull();
  }
}
