package io.ferrum.driver.ipmi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferrum.driver.DriverException;
import io.ferrum.driver.DriverTimeoutException;
import io.ferrum.driver.InvalidDriverInfoException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** ipmitool's output as it comes (captured from ipmitool 1.8.19 -v), reduced to one line. */
class IpmiErrorsTest {

  private static final IpmiInfo INFO =
      IpmiInfo.of(
          new io.ferrum.driver.DriverNode(
              "u", null, "ipmi", Map.of("ipmi_address", "10.0.0.5"), Map.of(), Map.of()));

  private static final String CHATTER =
      "Loading IANA PEN Registry...\n"
          + "Running Get VSO Capabilities my_addr 0x20, transit 0, target 0x20\n"
          + "Invalid completion code received: Invalid command\n"
          + "Discovered IPMB address 0x0\n";

  @Test
  void success_withVerboseChatter_isNoFailure() {
    IpmiErrors.check(
        INFO, "power on", 0, CHATTER + "Get HPM.x Capabilities request failed, compcode = d4\n");
  }

  @Test
  void packetDumps_andChatter_areLeftOut() {
    assertThat(
            IpmiErrors.meaningful(
                CHATTER
                    + ">> Sending IPMI command payload\n"
                    + "<< Received data (length 16)\n"
                    + " 00 01 02 03 04 05 06 07\n"
                    + "a0 ff 12\n"
                    + "Set Chassis Power Control to Up/On failed: Node busy\n"))
        .containsExactly("Set Chassis Power Control to Up/On failed: Node busy");
  }

  @Test
  void unknownFailure_keepsTheBmcsLine() {
    assertThatThrownBy(
            () ->
                IpmiErrors.check(
                    INFO,
                    "power on",
                    1,
                    CHATTER + " 00 11 22\nSet Chassis Power Control to Up/On failed: Node busy\n"))
        .isExactlyInstanceOf(DriverException.class)
        .hasMessage(
            "BMC 10.0.0.5:623 refused power on: Set Chassis Power Control to Up/On failed: Node busy");
  }

  @Test
  void noAnswer_isATimeout() {
    assertThatThrownBy(
            () ->
                IpmiErrors.check(
                    INFO,
                    "power on",
                    1,
                    "Loading IANA PEN Registry...\nGet Auth Capabilities error\n"
                        + "Error issuing Get Channel Authentication Capabilities request\n"
                        + "Error: Unable to establish IPMI v2 / RMCP+ session\n"))
        .isInstanceOf(DriverTimeoutException.class);
  }

  @Test
  void insufficientPrivilege_namesThePrivilegeLevel() {
    assertThatThrownBy(
            () ->
                IpmiErrors.check(
                    INFO,
                    "power on",
                    1,
                    CHATTER
                        + "Set Chassis Power Control to Up/On failed: Insufficient privilege level\n"))
        .isExactlyInstanceOf(DriverException.class)
        .hasMessageContaining("at privilege level ADMINISTRATOR (driver_info.ipmi_priv_level)");
  }

  @Test
  void lan15WrongPassword_isCredentials() {
    assertThatThrownBy(
            () ->
                IpmiErrors.check(
                    INFO,
                    "reading the power state",
                    1,
                    "Activate Session command failed\nError: Unable to establish LAN session\n"
                        + "Error: Unable to establish IPMI v1.5 / RMCP session\n"))
        .isInstanceOf(InvalidDriverInfoException.class)
        .hasMessageEndingWith("): Activate Session command failed");
  }

  @Test
  void silentFailure_saysSo() {
    assertThatThrownBy(() -> IpmiErrors.check(INFO, "power on", 3, ""))
        .hasMessage(
            "BMC 10.0.0.5:623 refused power on: ipmitool exited with status 3 without a message");
  }
}
