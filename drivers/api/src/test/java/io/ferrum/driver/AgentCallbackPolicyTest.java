package io.ferrum.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentCallbackPolicyTest {

  private final AgentCallbackPolicy policy =
      AgentCallbackPolicy.from(
          DriverSettings.of(
              Map.of(AgentCallbackPolicy.ALLOWED_NETWORKS, "192.0.2.0/24, fd00::/64")));

  @Test
  void anAgentInAProvisioningNetworkIsReachedAtItsAddressAndPort() {
    assertThat(policy.check("http://192.0.2.10:9999")).hasToString("http://192.0.2.10:9999");
    assertThat(policy.check("https://192.0.2.10/")).hasToString("https://192.0.2.10:443");
    assertThat(policy.check("http://[fd00::5]:9999"))
        .hasToString("http://[fd00:0:0:0:0:0:0:5]:9999");
  }

  @Test
  void nothingIsAllowedUntilTheOperatorNamesTheNetworks() {
    AgentCallbackPolicy none = AgentCallbackPolicy.from(DriverSettings.none());
    assertThatThrownBy(() -> none.check("http://192.0.2.10:9999"))
        .isInstanceOf(InvalidDriverInfoException.class)
        .hasMessageContaining("agent-allowed-networks");
  }

  @Test
  void anAddressOutsideTheNetworksIsRefusedNamingTheSetting() {
    assertThatThrownBy(() -> policy.check("http://169.254.169.254:80"))
        .isInstanceOf(InvalidDriverInfoException.class)
        .hasMessageContaining("agent-allowed-networks")
        .hasMessageContaining("provisioning network");
  }

  @Test
  void hostNamesPathsCredentialsAndOtherSchemesAreRefused() {
    for (String url :
        new String[] {
          "http://agent.example:9999",
          "http://192.0.2.10:9999/v1/commands",
          "http://u:p@192.0.2.10:9999",
          "http://192.0.2.10:9999?x=1",
          "http://192.0.2.10:9999#f",
          "file:///etc/passwd",
          "gopher://192.0.2.10:70",
          "http://192.0.2.10:0",
          "http://192.0.2.10:99999",
          "http://192.0.2.10:9999\n",
          "",
          "http://192.0.2.10:9999/" + "a".repeat(300)
        }) {
      assertThatThrownBy(() -> policy.check(url))
          .as(url)
          .isInstanceOf(InvalidDriverInfoException.class)
          .hasMessageContaining("callback_url");
    }
  }
}
