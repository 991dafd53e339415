package io.ferrum.driver.redfish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferrum.driver.BootDevice;
import io.ferrum.driver.DriverNode;
import io.ferrum.driver.DriverPowerState;
import io.ferrum.driver.DriverSettings;
import io.ferrum.driver.DriverTimeoutException;
import io.ferrum.driver.InvalidDriverInfoException;
import io.ferrum.driver.UnsupportedDriverOperationException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The redfish hardware type against {@link RedfishService}. */
class RedfishHardwareTest {

  private RedfishService service;
  private RedfishHardware redfish;

  @BeforeEach
  void start() throws Exception {
    service = new RedfishService();
    redfish = new RedfishHardware();
    redfish.configure(
        DriverSettings.of(
            Map.of("bmc-allowed-networks", "127.0.0.1", "redfish-allowed-schemes", "https,http")));
  }

  @AfterEach
  void stop() {
    service.close();
  }

  private static DriverNode node(Map<String, Object> info) {
    return new DriverNode("u-1", "bm-1", "redfish", info, Map.of(), Map.of());
  }

  private DriverNode node() {
    return node(service.driverInfo());
  }

  private Map<String, Object> info(String key, Object value) {
    Map<String, Object> info = new java.util.LinkedHashMap<>(service.driverInfo());
    if (value == null) {
      info.remove(key);
    } else {
      info.put(key, value);
    }
    return info;
  }

  @Test
  void power_roundTrip_throughComputerSystemReset() {
    DriverNode node = node();
    redfish.validate(node);
    assertThat(redfish.getPowerState(node)).isEqualTo(DriverPowerState.POWER_OFF);

    redfish.setPowerState(node, DriverPowerState.POWER_ON, false, Duration.ZERO);
    assertThat(service.power()).isEqualTo("On");

    redfish.reboot(node, false, Duration.ZERO);
    assertThat(service.power()).isEqualTo("On");

    redfish.setPowerState(node, DriverPowerState.POWER_OFF, true, Duration.ofSeconds(10));
    assertThat(service.power()).isEqualTo("Off");
    assertThat(service.requests)
        .contains("POST " + RedfishService.SYSTEM + "/Actions/ComputerSystem.Reset");
  }

  @Test
  void reboot_usesAResetTypeTheSystemAdvertises() {
    service.power("On");
    service.resetTypes = List.of("On", "ForceOff", "PowerCycle");

    redfish.reboot(node(), false, Duration.ZERO);

    assertThat(service.power()).isEqualTo("On");
    assertThatThrownBy(() -> redfish.reboot(node(), true, Duration.ofSeconds(1)))
        .isInstanceOf(UnsupportedDriverOperationException.class)
        .hasMessageContaining("offers no reset type for soft reboot (wanted GracefulRestart");
  }

  @Test
  void softPowerOff_ignored_timesOut() {
    service.power("On");
    service.ignoreGracefulShutdown = true;

    assertThatThrownBy(
            () ->
                redfish.setPowerState(
                    node(), DriverPowerState.POWER_OFF, true, Duration.ofSeconds(1)))
        .isInstanceOf(DriverTimeoutException.class)
        .hasMessageContaining("did not reach power off within 1 s after soft power off");
  }

  @Test
  void bootDevice_onceOrContinuous_withTheEtag() {
    DriverNode node = node();
    assertThat(redfish.getBootDevice(node)).isEqualTo(BootDevice.DISK);

    redfish.setBootDevice(node, BootDevice.PXE, false);
    assertThat(service.boot()).isEqualTo("Pxe/Once");
    assertThat(redfish.getBootDevice(node)).isEqualTo(BootDevice.PXE);

    redfish.setBootDevice(node, BootDevice.CDROM, true);
    assertThat(service.boot()).isEqualTo("Cd/Continuous");
    redfish.setBootDevice(node, BootDevice.BIOS, true);
    assertThat(redfish.getBootDevice(node)).isEqualTo(BootDevice.BIOS);
    assertThatThrownBy(() -> redfish.setBootDevice(node, BootDevice.SAFE, true))
        .isInstanceOf(UnsupportedDriverOperationException.class);
  }

  @Test
  void inspect_readsIronicsPropertiesFromTheSystem() {
    var inspection = redfish.inspect(node());

    assertThat(inspection.outcome()).isEqualTo(io.ferrum.driver.StepOutcome.DONE);
    assertThat(inspection.properties())
        .containsExactly(
            Map.entry("cpus", 8),
            Map.entry("memory_mb", 16384L),
            Map.entry("cpu_arch", "x86_64"),
            Map.entry("local_gb", 479L));
  }

  @Test
  void session_isOpenedOnce_reused_andRenewedWhenItExpires() {
    DriverNode node = node(info("redfish_auth_type", "session"));

    redfish.getPowerState(node);
    redfish.setBootDevice(node, BootDevice.PXE, false);
    assertThat(service.sessionsOpened()).isEqualTo(1);

    service.expireSessions();
    assertThat(redfish.getPowerState(node)).isEqualTo(DriverPowerState.POWER_OFF);
    assertThat(service.sessionsOpened()).isEqualTo(2);
  }

  @Test
  void auto_withoutSessionService_fallsBackToBasic_butSessionDoesNot() {
    service.sessionService = false;

    assertThat(redfish.getPowerState(node())).isEqualTo(DriverPowerState.POWER_OFF);
    assertThatThrownBy(() -> redfish.getPowerState(node(info("redfish_auth_type", "session"))))
        .isInstanceOf(InvalidDriverInfoException.class)
        .hasMessageContaining("has no /redfish/v1/SessionService/Sessions");
  }

  @Test
  void basic_opensNoSession() {
    redfish.getPowerState(node(info("redfish_auth_type", "basic")));

    assertThat(service.sessionsOpened()).isZero();
  }

  @Test
  void bootDevice_onAUefiNode_asksForUefi() {
    DriverNode uefi =
        new DriverNode(
            "u-1",
            "bm-1",
            "redfish",
            service.driverInfo(),
            Map.of(),
            Map.of("capabilities", "boot_mode:uefi"));

    assertThat(service.bootMode()).isEqualTo("Legacy");
    redfish.setBootDevice(uefi, BootDevice.PXE, true);

    assertThat(service.bootMode()).isEqualTo("UEFI");
    assertThat(service.boot()).isEqualTo("Pxe/Continuous");
  }

  @Test
  void injectNmi_isTheNmiResetType() {
    redfish.injectNmi(node());

    assertThat(service.nmis()).isEqualTo(1);
  }

  @Test
  void noSystemId_theOnlySystemIsFound() {
    DriverNode node = node(info("redfish_system_id", null));

    assertThat(redfish.getPowerState(node)).isEqualTo(DriverPowerState.POWER_OFF);
  }

  @Test
  void wrongPassword_isA401_namingTheCredentials() {
    DriverNode node = node(info("redfish_password", "guess"));

    assertThatThrownBy(() -> redfish.getPowerState(node))
        .isInstanceOf(InvalidDriverInfoException.class)
        .hasMessage(
            "Redfish service "
                + service.address()
                + " rejected the credentials (driver_info.redfish_username / redfish_password):"
                + " No valid session or credentials.");
  }

  @Test
  void unknownSystem_isA404_namingTheSystemId() {
    DriverNode node = node(info("redfish_system_id", "/redfish/v1/Systems/9"));

    assertThatThrownBy(() -> redfish.getPowerState(node))
        .isInstanceOf(InvalidDriverInfoException.class)
        .hasMessageContaining("has no /redfish/v1/Systems/9 (driver_info.redfish_system_id?)");
  }

  @Test
  void busyService_503WithRetryAfter_isRetried() {
    service.busy.set(1);

    assertThat(redfish.getPowerState(node())).isEqualTo(DriverPowerState.POWER_OFF);
    assertThat(service.busy.get()).isZero();
  }

  @Test
  void busyService_503ThreeTimes_isATimeout() {
    service.busy.set(3);

    assertThatThrownBy(() -> redfish.getPowerState(node()))
        .isInstanceOf(DriverTimeoutException.class)
        .hasMessageContaining("is busy (503)")
        .hasMessageEndingWith(": Try again later.");
  }

  @Test
  void nothingListening_isATimeout() {
    DriverNode node = node();
    service.close();

    assertThatThrownBy(() -> redfish.getPowerState(node))
        .isInstanceOf(DriverTimeoutException.class)
        .hasMessageContaining("cannot be reached");
  }

  @Test
  void hostileAddresses_areRefusedBeforeAnyRequest() {
    Object[][] cases = {
      {"redfish_address", "http://10.0.0.1", "bmc-allowed-networks"},
      {"redfish_address", "file:///etc/passwd", "must use"},
      {"redfish_address", "http://127.0.0.1/redfish/v1?x=1", "no user, path, query or fragment"},
      {"redfish_address", "http://user:pw@127.0.0.1", "no user, path, query or fragment"},
      {"redfish_address", "127.0.0.1", "must be a URL"},
      {"redfish_system_id", "/redfish/v1/Systems/../../etc", "plain path"},
      {"redfish_system_id", "/etc/passwd", "/redfish/v1/Systems/1"},
      {"redfish_verify_ca", "/etc/ssl/private/key.pem", "true or false"},
      {"redfish_auth_type", "token", "basic, session or auto"},
    };
    for (Object[] c : cases) {
      DriverNode node = node(info((String) c[0], c[1]));
      assertThatThrownBy(() -> redfish.checkInput(node))
          .as("%s = %s", c[0], c[1])
          .isInstanceOf(InvalidDriverInfoException.class)
          .hasMessageContaining((String) c[2]);
    }
    assertThat(service.requests).isEmpty();
  }

  @Test
  void http_isRefusedByDefault() {
    RedfishHardware strict = new RedfishHardware();
    strict.configure(DriverSettings.of(Map.of("bmc-allowed-networks", "127.0.0.1")));

    assertThatThrownBy(() -> strict.getPowerState(node()))
        .isInstanceOf(InvalidDriverInfoException.class)
        .hasMessageContaining("must use https, not http");
    assertThatThrownBy(
            () ->
                new RedfishHardware()
                    .configure(DriverSettings.of(Map.of("redfish-allowed-schemes", "ftp"))))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(strict.driverProperties()).containsKeys("redfish_address", "redfish_system_id");
  }
}
