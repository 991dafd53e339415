package io.ferrum.driver.ipmi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferrum.driver.BootDevice;
import io.ferrum.driver.DriverException;
import io.ferrum.driver.DriverNode;
import io.ferrum.driver.DriverPowerState;
import io.ferrum.driver.DriverSettings;
import io.ferrum.driver.DriverTimeoutException;
import io.ferrum.driver.InvalidDriverInfoException;
import io.ferrum.driver.UnsupportedDriverOperationException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ipmi hardware type against real {@code ipmi_sim} BMCs on 127.0.0.1 (see {@link IpmiSim}). */
class IpmiHardwareTest {

  @TempDir Path dir;

  private IpmiSim sim;
  private IpmiHardware ipmi;

  @BeforeEach
  void start() throws Exception {
    sim = IpmiSim.startOrSkip(dir.resolve("bmc"));
    ipmi = new IpmiHardware();
    ipmi.configure(
        DriverSettings.of(
            Map.of("bmc-allowed-networks", "127.0.0.0/8", "ipmi-min-command-interval", "0")));
  }

  @AfterEach
  void stop() throws Exception {
    if (sim != null) {
      sim.close();
    }
  }

  private static DriverNode node(Map<String, Object> driverInfo) {
    return new DriverNode(
        java.util.UUID.randomUUID().toString(), "bm-1", "ipmi", driverInfo, Map.of(), Map.of());
  }

  private DriverNode node() {
    return node(sim.driverInfo());
  }

  @Test
  void power_onOffRoundTrip_reachesTheBmc() throws Exception {
    DriverNode node = node();
    ipmi.validate(node);
    assertThat(ipmi.getPowerState(node)).isEqualTo(DriverPowerState.POWER_OFF);

    ipmi.setPowerState(node, DriverPowerState.POWER_ON, false, Duration.ZERO);
    assertThat(sim.poweredOn()).isTrue();
    assertThat(ipmi.getPowerState(node)).isEqualTo(DriverPowerState.POWER_ON);

    ipmi.setPowerState(node, DriverPowerState.POWER_OFF, false, Duration.ZERO);
    assertThat(sim.poweredOn()).isFalse();
    assertThat(ipmi.getPowerState(node)).isEqualTo(DriverPowerState.POWER_OFF);
  }

  @Test
  void reboot_whenOn_cyclesAndEndsOn() throws Exception {
    sim.power(true);
    DriverNode node = node();

    ipmi.reboot(node, false, Duration.ZERO);

    assertThat(ipmi.getPowerState(node)).isEqualTo(DriverPowerState.POWER_ON);
    assertThat(String.join("\n", sim.chassisLog())).contains("set power 0");
  }

  @Test
  void reboot_whenOff_powersOn() throws Exception {
    DriverNode node = node();

    ipmi.reboot(node, false, Duration.ZERO);

    assertThat(sim.poweredOn()).isTrue();
  }

  @Test
  void softPowerOff_waitsForTheOperatingSystem() throws Exception {
    sim.power(true);
    sim.knob("soft_off_delay", "1");
    DriverNode node = node();

    ipmi.setPowerState(node, DriverPowerState.POWER_OFF, true, Duration.ofSeconds(20));

    assertThat(sim.poweredOn()).isFalse();
    assertThat(String.join("\n", sim.chassisLog())).contains("set shutdown 1");
  }

  @Test
  void softPowerOff_ignoredByTheOs_timesOut() throws Exception {
    sim.power(true);
    sim.knob("soft_off_delay", "never");
    DriverNode node = node();

    assertThatThrownBy(
            () -> ipmi.setPowerState(node, DriverPowerState.POWER_OFF, true, Duration.ofSeconds(2)))
        .isInstanceOf(DriverTimeoutException.class)
        .hasMessageContaining("did not report power off within 2 s after soft power off");
    assertThat(sim.poweredOn()).isTrue();
  }

  @Test
  void softReboot_endsOn() throws Exception {
    sim.power(true);
    DriverNode node = node();

    ipmi.reboot(node, true, Duration.ofSeconds(20));

    assertThat(sim.poweredOn()).isTrue();
    assertThat(String.join("\n", sim.chassisLog())).contains("set shutdown 1", "set power 1");
  }

  @Test
  void bootDevice_setAndReadBack() throws Exception {
    DriverNode node = node();
    assertThat(ipmi.supportedBootDevices(node)).containsExactlyInAnyOrder(BootDevice.values());

    ipmi.setBootDevice(node, BootDevice.PXE, false);
    assertThat(sim.bootDevice()).isEqualTo("pxe");
    assertThat(ipmi.getBootDevice(node)).isEqualTo(BootDevice.PXE);

    ipmi.setBootDevice(node, BootDevice.CDROM, true);
    assertThat(ipmi.getBootDevice(node)).isEqualTo(BootDevice.CDROM);

    ipmi.setBootDevice(node, BootDevice.BIOS, false);
    assertThat(ipmi.getBootDevice(node)).isEqualTo(BootDevice.BIOS);

    ipmi.setBootDevice(node, BootDevice.DISK, true);
    assertThat(sim.bootDevice()).isEqualTo("default");
    assertThat(ipmi.getBootDevice(node)).isEqualTo(BootDevice.DISK);
  }

  @Test
  void bootDevice_refusedByTheBmc_failsEvenThoughIpmitoolExitsZero() {
    // ipmi_sim refuses "safe" with "Unspecified error"; ipmitool's bootdev still exits 0.
    assertThatThrownBy(() -> ipmi.setBootDevice(node(), BootDevice.SAFE, false))
        .isInstanceOf(DriverException.class)
        .hasMessage(
            "BMC 127.0.0.1:"
                + sim.port
                + " refused setting boot device safe: Set Chassis Boot Parameter 5 failed:"
                + " Unspecified error");
  }

  @Test
  void bmcFailure_isReportedWithTheBmcsOwnLine() throws Exception {
    sim.knob("fail", "");

    assertThatThrownBy(() -> ipmi.setPowerState(node(), DriverPowerState.POWER_ON, false, null))
        .isInstanceOf(DriverException.class)
        .hasMessage(
            "BMC 127.0.0.1:"
                + sim.port
                + " refused power on: Set Chassis Power Control to Up/On failed: Unspecified"
                + " error");
  }

  @Test
  void injectNmi_unsupportedByTheBmc_saysSo() {
    assertThatThrownBy(() -> ipmi.injectNmi(node()))
        .isInstanceOf(UnsupportedDriverOperationException.class)
        .hasMessage(
            "BMC 127.0.0.1:"
                + sim.port
                + " cannot do injecting a non-maskable interrupt: Set Chassis Power Control to"
                + " Diag failed: Invalid data field in request");
  }

  @Test
  void wrongPassword_namesTheCredentials_notThePassword() {
    Map<String, Object> info = new HashMap<>(sim.driverInfo());
    info.put("ipmi_password", "s3cr3t-guess");

    assertThatThrownBy(() -> ipmi.getPowerState(node(info)))
        .isInstanceOf(InvalidDriverInfoException.class)
        .hasMessage(
            "BMC 127.0.0.1:"
                + sim.port
                + " rejected the credentials (driver_info.ipmi_username / ipmi_password): RAKP 2"
                + " HMAC is invalid")
        .message()
        .doesNotContain("s3cr3t");
  }

  @Test
  void wrongUser_namesTheCredentials() {
    Map<String, Object> info = new HashMap<>(sim.driverInfo());
    info.put("ipmi_username", "nobody");

    assertThatThrownBy(() -> ipmi.getPowerState(node(info)))
        .isInstanceOf(InvalidDriverInfoException.class)
        .hasMessageContaining("rejected the credentials");
  }

  @Test
  void wrongPassword_ipmi15_namesTheCredentials() {
    Map<String, Object> info = new HashMap<>(sim.driverInfo());
    info.remove("ipmi_cipher_suite");
    info.put("ipmi_protocol_version", "1.5");
    info.put("ipmi_password", "wrong");

    assertThatThrownBy(() -> ipmi.getPowerState(node(info)))
        .isInstanceOf(InvalidDriverInfoException.class)
        .hasMessageContaining("rejected the credentials");
  }

  @Test
  void ipmi15_readsThePowerState() {
    Map<String, Object> info = new HashMap<>(sim.driverInfo());
    info.remove("ipmi_cipher_suite");
    info.put("ipmi_protocol_version", "1.5");

    assertThat(ipmi.getPowerState(node(info))).isEqualTo(DriverPowerState.POWER_OFF);
  }

  @Test
  void unsupportedCipherSuite_namesTheField() {
    Map<String, Object> info = new HashMap<>(sim.driverInfo());
    info.put("ipmi_cipher_suite", "17");

    assertThatThrownBy(() -> ipmi.getPowerState(node(info)))
        .isInstanceOf(InvalidDriverInfoException.class)
        .hasMessageContaining("driver_info.ipmi_cipher_suite 17");
  }

  @Test
  void unreachablePort_isATimeout() throws Exception {
    Map<String, Object> info = new HashMap<>(sim.driverInfo());
    sim.close();

    assertThatThrownBy(() -> ipmi.getPowerState(node(info)))
        .isInstanceOf(DriverTimeoutException.class)
        .hasMessageStartingWith("BMC 127.0.0.1:" + sim.port + " did not answer")
        .hasMessageEndingWith(
            "ipmitool: Error issuing Get Channel Authentication Capabilities request");
    sim = null;
  }

  @Test
  void addressOutsideTheAllowedNetworks_neverReachesIpmitool() {
    IpmiHardware strict = new IpmiHardware();
    strict.configure(DriverSettings.of(Map.of("bmc-allowed-networks", "10.0.0.0/8")));

    assertThatThrownBy(() -> strict.getPowerState(node()))
        .isInstanceOf(InvalidDriverInfoException.class)
        .hasMessageContaining("driver_info.ipmi_address \"127.0.0.1\" is not allowed")
        .hasMessageContaining("bmc-allowed-networks (10.0.0.0/8)");
    assertThat(new IpmiHardware().driverProperties()).containsKey("ipmi_address");
  }

  @Test
  void severalSimulators_atOnce_eachKeepsItsOwnState() throws Exception {
    List<IpmiSim> sims = new ArrayList<>(List.of(sim));
    ExecutorService threads = Executors.newFixedThreadPool(3);
    try {
      sims.add(IpmiSim.startOrSkip(dir.resolve("bmc2")));
      sims.add(IpmiSim.startOrSkip(dir.resolve("bmc3")));
      List<Future<?>> calls = new ArrayList<>();
      for (int i = 0; i < sims.size(); i++) {
        DriverNode node = node(sims.get(i).driverInfo());
        boolean on = i != 1;
        calls.add(
            threads.submit(
                () -> {
                  ipmi.setPowerState(
                      node,
                      on ? DriverPowerState.POWER_ON : DriverPowerState.POWER_OFF,
                      false,
                      Duration.ZERO);
                  return ipmi.getPowerState(node);
                }));
      }
      for (Future<?> call : calls) {
        call.get();
      }
      assertThat(sims.get(0).poweredOn()).isTrue();
      assertThat(sims.get(1).poweredOn()).isFalse();
      assertThat(sims.get(2).poweredOn()).isTrue();
    } finally {
      threads.shutdownNow();
      for (IpmiSim other : sims.subList(1, sims.size())) {
        other.close();
      }
    }
  }
}
