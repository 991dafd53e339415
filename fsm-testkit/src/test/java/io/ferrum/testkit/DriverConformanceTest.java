package io.ferrum.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrum.driver.DriverSettings;
import io.ferrum.driver.HardwareType;
import io.ferrum.driver.PowerInterface;
import io.ferrum.driver.fake.FakeHardware;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The fake driver passes the suite; a driver with a planted bug fails the check that owns it. */
class DriverConformanceTest {

  private static final Map<String, String> REACHABLE = Map.of("address", "10.0.0.5");

  private static DriverConformance planted(PlantedBugHardware.Bug bug) {
    return DriverConformance.of(new PlantedBugHardware(bug))
        .driverInfo(REACHABLE)
        .unreachable(Map.of("address", PlantedBugHardware.UNREACHABLE));
  }

  @Test
  void fakeHardware_passesEveryCheck() {
    Report report =
        DriverConformance.of(new FakeHardware())
            .settings(DriverSettings.of(Map.of(FakeHardware.FAULT_INJECTION, "true")))
            .unreachable(Map.of("fake_fail", FakeHardware.CALLS))
            .malformed("fake_delay_ms", "soon")
            .malformed("fake_power_state", "sideways")
            .run();

    report.assertPassed();
    assertThat(report.check(DriverConformance.DEPLOY).orElseThrow().status())
        .isEqualTo(CheckResult.Status.PASSED);
    assertThat(report.check(DriverConformance.BOOT_DEVICE).orElseThrow().message())
        .isEqualTo("devices [PXE, DISK, CDROM]");
  }

  @Test
  void fakeHardware_deployThatWaits_continuesAndPasses() {
    DriverConformance.of(new FakeHardware())
        .driverInfo(Map.of("fake_wait", "deploy.deploy"))
        .run()
        .assertPassed();
  }

  @Test
  void correctDriver_passes() {
    Report report = planted(PlantedBugHardware.Bug.NONE).run();

    report.assertPassed();
    assertThat(report.check(DriverConformance.DEPLOY).orElseThrow().status())
        .isEqualTo(CheckResult.Status.SKIPPED);
    assertThat(report.check(DriverConformance.MISSING_INFO).orElseThrow().status())
        .isEqualTo(CheckResult.Status.PASSED);
  }

  @Test
  void powerOnThatDoesNotStick_fails() {
    Report report = planted(PlantedBugHardware.Bug.POWER_ON_DOES_NOT_STICK).run();

    assertThat(report.failures())
        .extracting(CheckResult::name)
        .containsExactly(DriverConformance.POWER_ON, DriverConformance.IDEMPOTENT);
    assertThat(report.check(DriverConformance.POWER_ON).orElseThrow().message())
        .isEqualTo(
            "after power.set(POWER_ON) returned, power.get returned POWER_OFF, not POWER_ON");
    assertThat(report.toString()).contains("FAILED  power on sticks");
  }

  @Test
  void callThatHangs_failsTheDeadline() {
    Report report =
        planted(PlantedBugHardware.Bug.BOOT_DEVICE_HANGS).callTimeout(Duration.ofSeconds(1)).run();

    assertThat(report.failures())
        .extracting(CheckResult::name)
        .containsExactly(DriverConformance.BOOT_DEVICE, DriverConformance.DEADLINE);
    assertThat(report.check(DriverConformance.DEADLINE).orElseThrow().message())
        .startsWith("management.get_boot_device did not return within 1000 ms");
  }

  @Test
  void bareRuntimeException_failsErrorMapping() {
    Report report = planted(PlantedBugHardware.Bug.BARE_RUNTIME_EXCEPTION).run();

    assertThat(report.failures())
        .extracting(CheckResult::name)
        .containsExactly(DriverConformance.ERRORS);
    assertThat(report.check(DriverConformance.ERRORS).orElseThrow().message())
        .startsWith(
            "power.get (unreachable) threw java.lang.RuntimeException, not a DriverException:"
                + " no answer from 192.0.2.1");
  }

  @Test
  void undeclaredInterfaces_failTheDeclarations() {
    PlantedBugHardware inner = new PlantedBugHardware(PlantedBugHardware.Bug.NONE);
    HardwareType undeclared =
        new HardwareType() {
          @Override
          public String name() {
            return "undeclared";
          }

          @Override
          public PowerInterface power() {
            return inner;
          }

          @Override
          public Map<String, List<String>> supportedInterfaces() {
            return Map.of("power", List.of("undeclared"));
          }
        };

    Report report = DriverConformance.run(undeclared, REACHABLE);

    assertThat(report.failures())
        .extracting(CheckResult::name)
        .containsExactly(DriverConformance.DECLARATIONS);
    assertThat(report.check(DriverConformance.DECLARATIONS).orElseThrow().message())
        .startsWith("supportedInterfaces() names no implementation of \"bios\";");
  }

  @Test
  void missingRequiredKey_isCheckedByName() {
    Report report =
        DriverConformance.run(new PlantedBugHardware(PlantedBugHardware.Bug.NONE), Map.of());

    assertThat(report.check(DriverConformance.SETUP).orElseThrow().message())
        .isEqualTo(
            "power.validate failed: io.ferrum.driver.InvalidDriverInfoException: driver_info is"
                + " missing \"address\", which the planted-none driver needs");
    assertThat(report.check(DriverConformance.POWER_ON).orElseThrow().status())
        .isEqualTo(CheckResult.Status.SKIPPED);
  }
}
