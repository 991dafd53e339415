package io.ferrum.driver.ipmi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferrum.driver.DriverNode;
import io.ferrum.driver.DriverPowerState;
import io.ferrum.driver.DriverSettings;
import io.ferrum.driver.DriverTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How ipmitool is run, seen by a stand-in program ({@code ipmitool-path}) that records its
 * arguments and what it finds in the password file: no shell, the password only in a 0600 file that
 * is gone afterwards.
 */
class IpmitoolTest {

  @TempDir Path dir;

  private IpmiHardware hardware(String script) throws Exception {
    Path program = dir.resolve("fake-ipmitool");
    Files.writeString(program, "#!/bin/sh\n" + script);
    Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwx------"));
    IpmiHardware ipmi = new IpmiHardware();
    ipmi.configure(
        DriverSettings.of(
            Map.of(
                "bmc-allowed-networks", "192.0.2.0/24",
                "ipmi-min-command-interval", "0",
                "ipmitool-path", program.toString())));
    return ipmi;
  }

  private static DriverNode node() {
    return new DriverNode(
        "u-1",
        "bm-1",
        "ipmi",
        Map.of(
            "ipmi_address", "192.0.2.10",
            "ipmi_username", "admin",
            "ipmi_password", "pa ss'$(reboot)",
            "ipmi_cipher_suite", 3),
        Map.of(),
        Map.of());
  }

  @Test
  void arguments_areAList_andThePasswordOnlyInAPrivateFile() throws Exception {
    Path record = dir.resolve("record");
    IpmiHardware ipmi =
        hardware(
            "for a in \"$@\"; do printf '%s\\n' \"$a\" >> "
                + record
                + "; done\n"
                + "while [ $# -gt 0 ]; do if [ \"$1\" = -f ]; then\n"
                + "  echo \"file $1 $(stat -c %a \"$2\") $(cat \"$2\")\" >> "
                + record
                + "\n  echo \"$2\" > "
                + dir.resolve("path")
                + "\nfi; shift; done\n"
                + "echo 'Chassis Power is on'\n");

    assertThat(ipmi.getPowerState(node())).isEqualTo(DriverPowerState.POWER_ON);

    List<String> lines = Files.readAllLines(record);
    int f = lines.indexOf("-f");
    assertThat(lines.subList(0, f))
        .containsExactly(
            "-I",
            "lanplus",
            "-H",
            "192.0.2.10",
            "-p",
            "623",
            "-L",
            "ADMINISTRATOR",
            "-R",
            "3",
            "-N",
            "2",
            "-C",
            "3",
            "-U",
            "admin");
    assertThat(lines.subList(f + 2, lines.size() - 1))
        .containsExactly("-v", "chassis", "power", "status");
    assertThat(lines.get(lines.size() - 1)).isEqualTo("file -f 600 pa ss'$(reboot)");
    assertThat(lines.subList(0, lines.size() - 1)).noneMatch(a -> a.contains("pa ss"));
    Path passwordFile = Path.of(Files.readString(dir.resolve("path")).strip());
    assertThat(passwordFile).doesNotExist();
    assertThat(passwordFile.getParent()).doesNotExist();
  }

  @Test
  void bootDevice_persistentOnUefi_asksForBothOptions() throws Exception {
    Path record = dir.resolve("record");
    IpmiHardware ipmi =
        hardware(
            "for a in \"$@\"; do last=$a; done\n"
                + "printf '%s\\n' \"$last\" >> "
                + record
                + "\necho 'Set Boot Device to pxe'\n");
    DriverNode uefi =
        new DriverNode(
            "u-1",
            "bm-1",
            "ipmi",
            node().driverInfo(),
            Map.of(),
            Map.of("capabilities", "boot_mode:uefi,secure_boot:false"));

    ipmi.setBootDevice(uefi, io.ferrum.driver.BootDevice.PXE, true);
    ipmi.setBootDevice(uefi, io.ferrum.driver.BootDevice.DISK, false);
    ipmi.setBootDevice(node(), io.ferrum.driver.BootDevice.CDROM, true);
    ipmi.setBootDevice(node(), io.ferrum.driver.BootDevice.BIOS, false);

    assertThat(Files.readAllLines(record))
        .containsExactly(
            "options=persistent,efiboot", "options=efiboot", "options=persistent", "bios");
  }

  @Test
  void hungIpmitool_isStoppedAtItsDeadline() throws Exception {
    IpmiHardware ipmi = hardware("exec sleep 600\n");
    Map<String, Object> info = new java.util.HashMap<>(node().driverInfo());
    info.put("ipmi_timeout", 1);
    info.put("ipmi_retries", 0);
    DriverNode node = new DriverNode("u-1", "bm-1", "ipmi", info, Map.of(), Map.of());

    assertThatThrownBy(() -> ipmi.getPowerState(node))
        .isInstanceOf(DriverTimeoutException.class)
        .hasMessage(
            "BMC 192.0.2.10:623 did not complete reading the power state within 7 s; ipmitool was"
                + " stopped");
  }

  @Test
  void missingProgram_saysWhatToInstall() throws Exception {
    IpmiHardware ipmi = new IpmiHardware();
    ipmi.configure(
        DriverSettings.of(
            Map.of(
                "bmc-allowed-networks",
                "192.0.2.0/24",
                "ipmitool-path",
                dir.resolve("absent").toString())));

    assertThatThrownBy(() -> ipmi.getPowerState(node()))
        .hasMessageStartingWith("cannot run " + dir.resolve("absent"))
        .hasMessageContaining("apt-get install ipmitool");
  }

  @Test
  void settings_malformed_stopTheStart() {
    for (Map<String, String> bad :
        List.of(
            Map.of("ipmi-min-command-interval", "-1"),
            Map.of("ipmi-min-command-interval", "soon"),
            Map.of("ipmitool-path", "bin/ipmitool"),
            Map.of("bmc-allowed-networks", "everything"))) {
      assertThatThrownBy(() -> new IpmiHardware().configure(DriverSettings.of(bad)))
          .as(bad.toString())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(bad.keySet().iterator().next());
    }
  }
}
