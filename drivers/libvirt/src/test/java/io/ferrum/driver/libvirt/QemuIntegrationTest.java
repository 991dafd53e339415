package io.ferrum.driver.libvirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ferrum.driver.DriverNode;
import io.ferrum.driver.DriverPowerState;
import io.ferrum.driver.DriverSettings;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.libvirt.Connect;

/**
 * Optional: a tiny real VM (64 MiB, no disk, nothing to boot) under a reachable QEMU daemon ({@code
 * FERRUM_TEST_QEMU_URI}, default {@code qemu:///session}), powered on and off through the driver.
 * Skipped with a reason where no daemon answers; never mandatory.
 */
class QemuIntegrationTest {

  @Test
  void tinyVm_powersOnAndOff() throws Exception {
    String uri = System.getenv().getOrDefault("FERRUM_TEST_QEMU_URI", "qemu:///session");
    Connect connect = null;
    try {
      connect = new Connect(uri);
    } catch (Throwable e) {
      assumeTrue(false, "no QEMU daemon at " + uri + " (" + e.getMessage() + "); skipped");
    }
    String name = "ferrum-qemu-" + UUID.randomUUID().toString().substring(0, 8);
    connect.domainDefineXML(
        "<domain type='qemu'><name>"
            + name
            + "</name><memory unit='MiB'>64</memory>"
            + "<vcpu>1</vcpu><os><type arch='x86_64'>hvm</type><boot dev='network'/></os>"
            + "<devices></devices></domain>");
    LibvirtHardware libvirt = new LibvirtHardware();
    libvirt.configure(DriverSettings.of(Map.of("libvirt-allowed-uris", uri)));
    DriverNode node =
        new DriverNode(
            name,
            null,
            "libvirt",
            Map.of("libvirt_uri", uri, "libvirt_domain", name),
            Map.of(),
            Map.of());
    try {
      libvirt.setPowerState(node, DriverPowerState.POWER_ON, false, Duration.ZERO);
      assertThat(libvirt.getPowerState(node)).isEqualTo(DriverPowerState.POWER_ON);
      libvirt.setPowerState(node, DriverPowerState.POWER_OFF, false, Duration.ZERO);
      assertThat(libvirt.getPowerState(node)).isEqualTo(DriverPowerState.POWER_OFF);
    } finally {
      var domain = connect.domainLookupByName(name);
      if (domain.isActive() == 1) {
        domain.destroy();
      }
      domain.undefine();
      connect.close();
    }
  }
}
