package io.ferrum.driver.ipmi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferrum.driver.DriverNode;
import io.ferrum.driver.InvalidDriverInfoException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every driver_info value is checked, and a refusal names the key. */
class IpmiInfoTest {

  private static DriverNode node(Map<String, Object> info) {
    return new DriverNode("u-1", "bm-1", "ipmi", info, Map.of(), Map.of());
  }

  private static Map<String, Object> with(String key, Object value) {
    Map<String, Object> info = new HashMap<>();
    info.put("ipmi_address", "10.0.0.5");
    info.put(key, value);
    return info;
  }

  @Test
  void defaults_areIronics() {
    IpmiInfo info = IpmiInfo.of(node(Map.of("ipmi_address", "10.0.0.5")));

    assertThat(info.port()).isEqualTo(623);
    assertThat(info.lanplus()).isTrue();
    assertThat(info.privLevel()).isEqualTo("ADMINISTRATOR");
    assertThat(info.cipherSuite()).isNull();
    assertThat(info.username()).isNull();
    assertThat(info.password()).isNull();
  }

  @Test
  void fullInfo_isRead_andPrintedWithoutThePassword() {
    Map<String, Object> raw = new HashMap<>();
    raw.put("ipmi_address", "bmc1.example.com");
    raw.put("ipmi_port", 6230);
    raw.put("ipmi_username", "root");
    raw.put("ipmi_password", "calvin");
    raw.put("ipmi_priv_level", "operator");
    raw.put("ipmi_protocol_version", "2.0");
    raw.put("ipmi_cipher_suite", "17");
    raw.put("ipmi_timeout", "5");
    raw.put("ipmi_retries", 0);

    IpmiInfo info = IpmiInfo.of(node(raw));

    assertThat(info)
        .isEqualTo(
            new IpmiInfo("bmc1.example.com", 6230, "root", "calvin", "OPERATOR", true, 17, 5, 0));
    assertThat(info.toString()).doesNotContain("calvin").contains("******");
    assertThat(IpmiInfo.of(node(with("ipmi_protocol_version", "1.5"))).lanplus()).isFalse();
  }

  @Test
  void bmc_namesAddressAndPort_ipv6InBrackets() {
    assertThat(IpmiInfo.of(node(Map.of("ipmi_address", "10.0.0.5"))).bmc())
        .isEqualTo("10.0.0.5:623");
    assertThat(IpmiInfo.of(node(Map.of("ipmi_address", "fd00::5"))).bmc())
        .isEqualTo("[fd00::5]:623");
    assertThat(IpmiInfo.of(node(Map.of("ipmi_address", "[fd00::5]"))).bmc())
        .isEqualTo("[fd00::5]:623");
  }

  @Test
  void missingAddress_isNamed() {
    assertThatThrownBy(() -> IpmiInfo.of(node(Map.of("ipmi_port", 623))))
        .isInstanceOf(InvalidDriverInfoException.class)
        .hasMessage("driver_info is missing \"ipmi_address\", which the ipmi driver needs");
  }

  @Test
  void optionLikeAddress_isRefused() {
    assertThatThrownBy(() -> IpmiInfo.of(node(Map.of("ipmi_address", "-oProxyCommand=sh"))))
        .isInstanceOf(InvalidDriverInfoException.class)
        .hasMessageContaining("driver_info.ipmi_address");
  }

  @Test
  void malformedValues_nameTheirKey() {
    Object[][] cases = {
      {"ipmi_port", 0},
      {"ipmi_port", 65536},
      {"ipmi_port", "623; reboot"},
      {"ipmi_port", "-1"},
      {"ipmi_username", "-P"},
      {"ipmi_username", "ro ot"},
      {"ipmi_username", "a-very-long-user-name"},
      {"ipmi_username", Map.of("x", 1)},
      {"ipmi_password", "line\nbreak"},
      {"ipmi_password", "123456789012345678901"},
      {"ipmi_priv_level", "ROOT"},
      {"ipmi_protocol_version", "3.0"},
      {"ipmi_cipher_suite", "18"},
      {"ipmi_cipher_suite", "-C"},
      {"ipmi_timeout", 0},
      {"ipmi_timeout", 61},
      {"ipmi_retries", 11},
    };
    for (Object[] c : cases) {
      String key = (String) c[0];
      assertThatThrownBy(() -> IpmiInfo.of(node(with(key, c[1]))))
          .as("%s = %s", key, c[1])
          .isInstanceOf(InvalidDriverInfoException.class)
          .hasMessageContaining("driver_info." + key);
    }
  }

  @Test
  void cipherSuiteWithIpmi15_isRefused() {
    Map<String, Object> info = with("ipmi_protocol_version", "1.5");
    info.put("ipmi_cipher_suite", "3");

    assertThatThrownBy(() -> IpmiInfo.of(node(info)))
        .isInstanceOf(InvalidDriverInfoException.class)
        .hasMessage(
            "driver_info.ipmi_cipher_suite needs ipmi_protocol_version 2.0 (IPMI 1.5 has no"
                + " cipher suites)");
  }

  @Test
  void properties_listEveryKey_addressRequired() {
    assertThat(IpmiInfo.PROPERTIES)
        .containsOnlyKeys(
            "ipmi_address",
            "ipmi_port",
            "ipmi_username",
            "ipmi_password",
            "ipmi_priv_level",
            "ipmi_protocol_version",
            "ipmi_cipher_suite",
            "ipmi_timeout",
            "ipmi_retries");
    assertThat(IpmiInfo.PROPERTIES.get("ipmi_address")).endsWith("Required.");
    assertThat(IpmiInfo.PROPERTIES.get("ipmi_port")).doesNotEndWith("Required.");
  }
}
