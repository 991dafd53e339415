package io.ferrum.driver.redfish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ferrum.driver.BootDevice;
import io.ferrum.driver.DriverNode;
import io.ferrum.driver.DriverPowerState;
import io.ferrum.driver.DriverSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link RedfishService} driven by sushy, the Redfish library of OpenStack Ironic (Debian {@code
 * python3-sushy}), and then read by Ferrum's driver: the test service must satisfy a reading of the
 * standard other than Ferrum's own. Skipped with a reason where sushy is missing, unless {@code
 * FERRUM_TEST_REQUIRE} contains {@code sushy} (as {@code .ci/run} sets it).
 */
class SushyCompatibilityTest {

  private static final String PYTHON = "/usr/bin/python3";

  private static void requireSushy() throws Exception {
    String reason = null;
    try {
      Process probe = new ProcessBuilder(PYTHON, "-c", "import sushy").start();
      if (!probe.waitFor(60, TimeUnit.SECONDS) || probe.exitValue() != 0) {
        reason = "sushy is not installed (Debian: apt-get install python3-sushy)";
      }
    } catch (java.io.IOException e) {
      reason = PYTHON + " is missing: " + e.getMessage();
    }
    boolean required =
        System.getenv()
            .getOrDefault("FERRUM_TEST_REQUIRE", "")
            .toLowerCase(Locale.ROOT)
            .contains("sushy");
    if (reason != null && required) {
      throw new IllegalStateException("sushy is required here but " + reason);
    }
    assumeTrue(reason == null, reason);
  }

  @Test
  void sushyDrivesTheService_andFerrumReadsWhatItDid() throws Exception {
    requireSushy();
    try (RedfishService service = new RedfishService()) {
      Path script = Path.of(getClass().getResource("/sushy-check.py").toURI());
      Process process =
          new ProcessBuilder(
                  PYTHON,
                  script.toString(),
                  service.address(),
                  RedfishService.USER,
                  RedfishService.PASSWORD)
              .redirectErrorStream(true)
              .start();
      assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(process.exitValue()).as(out).isZero();
      assertThat(out.lines().toList())
          .as(out)
          .containsExactly(
              "power Off",
              "allowed ForceOff,ForceRestart,GracefulRestart,GracefulShutdown,Nmi,On,PowerCycle",
              "power On",
              "boot Pxe Continuous");

      RedfishHardware redfish = new RedfishHardware();
      redfish.configure(
          DriverSettings.of(
              Map.of("bmc-allowed-networks", "127.0.0.1", "redfish-allowed-schemes", "http")));
      DriverNode node =
          new DriverNode("u-1", "bm-1", "redfish", service.driverInfo(), Map.of(), Map.of());
      assertThat(redfish.getPowerState(node)).isEqualTo(DriverPowerState.POWER_ON);
      assertThat(redfish.getBootDevice(node)).isEqualTo(BootDevice.PXE);
      assertThat(List.of(service.boot())).containsExactly("Pxe/Continuous");
    }
  }
}
