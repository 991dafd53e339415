package io.ferrum.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BmcNetworkPolicyTest {

  private static final String FIELD = "driver_info.ipmi_address";

  private static BmcNetworkPolicy allowing(String networks) {
    return BmcNetworkPolicy.from(DriverSettings.of(Map.of("bmc-allowed-networks", networks)));
  }

  @Test
  void defaults_allowNoAddressAndNoHostName() {
    BmcNetworkPolicy policy = BmcNetworkPolicy.defaults();

    assertThat(policy.networks()).isEmpty();
    assertThatThrownBy(() -> policy.check(FIELD, "127.0.0.1"))
        .isInstanceOf(InvalidDriverInfoException.class)
        .hasMessage(
            "driver_info.ipmi_address \"127.0.0.1\" is not allowed: it is in no network of"
                + " bmc-allowed-networks (empty); an operator can add a BMC network with the"
                + " bmc-allowed-networks setting (ferrum serve --bmc-allowed-networks)");
    assertThatThrownBy(() -> policy.check(FIELD, "bmc1.example.com"))
        .isInstanceOf(InvalidDriverInfoException.class);
  }

  @Test
  void cidrBlocks_matchByPrefix() {
    BmcNetworkPolicy policy = allowing("10.1.0.0/16, 192.168.7.5, fd00:1::/64");

    policy.check(FIELD, "10.1.255.3");
    policy.check(FIELD, "192.168.7.5");
    policy.check(FIELD, "fd00:1::17");
    policy.check(FIELD, "[fd00:1::17]");
    assertThat(policy.resolve(FIELD, "10.1.0.9").getHostAddress()).isEqualTo("10.1.0.9");
    for (String outside : new String[] {"10.2.0.1", "192.168.7.6", "fd00:2::1", "127.0.0.1"}) {
      assertThatThrownBy(() -> policy.check(FIELD, outside))
          .isInstanceOf(InvalidDriverInfoException.class)
          .hasMessageContaining("bmc-allowed-networks (10.1.0.0/16, 192.168.7.5, fd00:1::/64)");
    }
  }

  @Test
  void oddPrefix_masksThePartialByte() {
    BmcNetworkPolicy policy = allowing("10.0.0.64/27");

    policy.check(FIELD, "10.0.0.95");
    assertThatThrownBy(() -> policy.check(FIELD, "10.0.0.96"))
        .isInstanceOf(InvalidDriverInfoException.class);
  }

  @Test
  void hostName_isResolvedAndEveryAddressChecked() {
    assertThat(allowing("127.0.0.0/8").resolve(FIELD, "localhost").isLoopbackAddress()).isTrue();
    assertThatThrownBy(() -> allowing("10.0.0.0/8").resolve(FIELD, "localhost"))
        .isInstanceOf(InvalidDriverInfoException.class)
        .hasMessageContaining("\"localhost (");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "-oProxyCommand=x",
        "10.0.0.1 -P x",
        "host/path",
        "1.2.3",
        "10.0.0.256",
        "010.0.0.1",
        "fe80::1%eth0",
        "bmc_1.example.com",
        "-bmc",
        "bmc-.example.com",
        "[bmc.example.com]",
        "a\nb",
        ""
      })
  void malformedHosts_areRefusedWhateverTheList(String host) {
    assertThatThrownBy(() -> allowing("0.0.0.0/0, ::/0").check(FIELD, host))
        .isInstanceOf(InvalidDriverInfoException.class)
        .hasMessageContaining(FIELD);
  }

  @ParameterizedTest
  @ValueSource(strings = {"10.0.0.0/33", "bmc.example.com", "10.0.0.0/x", "::/129", "-1"})
  void malformedEntries_stopTheStart(String entry) {
    assertThatThrownBy(() -> allowing(entry))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("bmc-allowed-networks: \"" + entry + "\"");
  }
}
