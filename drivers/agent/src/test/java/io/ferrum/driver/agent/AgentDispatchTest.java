package io.ferrum.driver.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferrum.driver.DriverNode;
import io.ferrum.driver.HardwareInterfaces;
import io.ferrum.driver.InvalidDriverInfoException;
import io.ferrum.driver.InvalidRaidConfigException;
import io.ferrum.driver.RaidInterface;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentDispatchTest {

  @Test
  void withAgent_addsIronicsNamesAfterTheDefaults() {
    Map<String, List<String>> supported =
        AgentDispatch.withAgent(HardwareInterfaces.single("ipmi"));

    assertThat(supported.get("boot")).containsExactly("ipmi", "ipxe");
    assertThat(supported.get("deploy")).containsExactly("ipmi", "direct");
    assertThat(supported.get("raid")).containsExactly("no-raid", "agent");
    assertThat(supported.get("power")).containsExactly("ipmi");
  }

  @Test
  void raid_agentChecksIronicsSchema_otherChoicesKeepTheirOwn() {
    RaidInterface own =
        new RaidInterface() {
          @Override
          public void validateRaidConfig(DriverNode node, Map<String, Object> config) {
            throw new InvalidDriverInfoException("own");
          }
        };
    AgentInterfaces agent =
        new AgentInterfaces(
            new RecordingHardware(),
            new RecordingHardware(),
            io.ferrum.driver.DriverSettings.none());
    RaidInterface raid = AgentDispatch.raid(() -> agent, own);
    DriverNode chose = Fixtures.node();

    raid.validateRaidConfig(
        chose, Map.of("logical_disks", List.of(Map.of("raid_level", "1", "size_gb", "MAX"))));
    assertThatThrownBy(
            () ->
                raid.validateRaidConfig(
                    chose, Map.of("logical_disks", List.of(Map.of("raid_level", "7")))))
        .isInstanceOf(InvalidRaidConfigException.class);
    DriverNode other =
        new DriverNode(
            "u",
            null,
            "ipmi",
            Map.of(),
            Map.of(),
            Map.of(),
            Map.of(),
            Map.of("raid", "x"),
            List.of());
    assertThatThrownBy(() -> raid.validateRaidConfig(other, Map.of())).hasMessage("own");
    // The conductor calls raid() only for nodes that chose an implementation other than no-raid:
    // when it does not say which, agent is the only one offered.
    DriverNode unsaid = new DriverNode("u", null, "ipmi", Map.of(), Map.of(), Map.of());
    assertThatThrownBy(
            () ->
                raid.validateRaidConfig(
                    unsaid, Map.of("logical_disks", List.of(Map.of("raid_level", "7")))))
        .isInstanceOf(InvalidRaidConfigException.class);
    raid.validateRaidConfig(
        unsaid, Map.of("logical_disks", List.of(Map.of("raid_level", "0", "size_gb", 10))));
  }
}
