package io.ferrum.driver.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferrum.driver.CleanInterface;
import io.ferrum.driver.DeployInterface;
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

  @Test
  void cleanUpAndTearDownCleaning_goToTheAgentForNodesThatChoseIt_elseToTheirOwn(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path httpboot) {
    RecordingHardware hardware = new RecordingHardware();
    AgentInterfaces agent = new AgentInterfaces(hardware, hardware, Fixtures.settings(httpboot));
    List<String> own = new java.util.ArrayList<>();
    DeployInterface deploy =
        AgentDispatch.deploy(
            () -> agent,
            new DeployInterface() {
              @Override
              public io.ferrum.driver.StepOutcome deploy(DriverNode node) {
                return io.ferrum.driver.StepOutcome.DONE;
              }

              @Override
              public void tearDown(DriverNode node) {}

              @Override
              public void cleanUp(DriverNode node) {
                own.add("cleanUp");
              }
            });
    CleanInterface clean =
        AgentDispatch.clean(
            () -> agent,
            new CleanInterface() {
              @Override
              public io.ferrum.driver.StepOutcome clean(
                  DriverNode node, List<io.ferrum.driver.Step> steps, boolean automated) {
                return io.ferrum.driver.StepOutcome.DONE;
              }

              @Override
              public void tearDownCleaning(DriverNode node) {
                own.add("tearDownCleaning");
              }
            });
    DriverNode chose = Fixtures.node();

    agent.boot().prepareRamdisk(chose);
    deploy.cleanUp(chose);
    assertThat(httpboot.resolve("pxelinux.cfg/52-54-00-12-34-56")).doesNotExist();
    assertThat(hardware.calls).isEmpty();
    agent.boot().prepareRamdisk(chose);
    clean.tearDownCleaning(chose);
    assertThat(httpboot.resolve("pxelinux.cfg/52-54-00-12-34-56")).doesNotExist();
    assertThat(hardware.calls).containsExactly("power off");
    assertThat(own).isEmpty();

    DriverNode other =
        new DriverNode(
            Fixtures.UUID,
            null,
            "ipmi",
            Map.of(),
            Map.of(),
            Map.of(),
            Map.of(),
            Map.of("deploy", "ipmi", "boot", "ipmi"),
            List.of());
    deploy.cleanUp(other);
    clean.tearDownCleaning(other);
    assertThat(own).containsExactly("cleanUp", "tearDownCleaning");
  }
}
