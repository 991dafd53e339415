package io.ferrum.examples.customdriver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferrum.conductor.Conductor;
import io.ferrum.conductor.ConnectionPool;
import io.ferrum.conductor.Databases;
import io.ferrum.conductor.InvalidParameterException;
import io.ferrum.conductor.Node;
import io.ferrum.conductor.NodeQuery;
import io.ferrum.conductor.NodeSpec;
import io.ferrum.conductor.ProvisionRequest;
import io.ferrum.driver.HardwareType;
import io.ferrum.testkit.CheckResult;
import io.ferrum.testkit.DriverConformance;
import io.ferrum.testkit.Report;
import java.time.Duration;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The PoE switch hardware type is found through ServiceLoader, passes the testkit's conformance
 * suite, and takes a node through deploy in an embedded conductor.
 */
class PoeSwitchHardwareTest {

  private static final Duration WAIT = Duration.ofMinutes(1);

  @Test
  void serviceLoader_findsTheHardwareType() {
    assertThat(ServiceLoader.load(HardwareType.class).stream().map(ServiceLoader.Provider::type))
        .contains(PoeSwitchHardware.class);
  }

  @Test
  void passesTheConformanceSuite() {
    Report report =
        DriverConformance.of(new PoeSwitchHardware())
            .driverInfo(Map.of("poe_port", "2"))
            .instanceInfo(Map.of("image_source", "debian-12-arm64"))
            .malformed("poe_port", "99")
            .malformed("poe_port", "two")
            .run();

    report.assertPassed();
    // Power, boot devices and deploy all ran: nothing was skipped.
    assertThat(report.checks())
        .extracting(CheckResult::status)
        .doesNotContain(CheckResult.Status.SKIPPED);
  }

  @Test
  void anEmbeddedConductor_deploysANode_andRefusesAPortTheOperatorDidNotWire() throws Exception {
    try (ConnectionPool db = Databases.pooled("jdbc:h2:mem:" + UUID.randomUUID(), null, null, 8);
        // Only the types ServiceLoader finds: the build fails here if the registration is lost.
        Conductor conductor =
            Conductor.builder()
                .dataSource(db)
                .name("poe-lab")
                .enabledHardwareTypes(Set.of(PoeSwitchHardware.NAME))
                .driverSetting(PoeSwitchHardware.PORTS_SETTING, "4")
                .build()) {
      Node board =
          conductor.createNode(
              NodeSpec.of(PoeSwitchHardware.NAME, Map.of("poe_port", "3"))
                  .withName("board-3")
                  .withInstanceInfo(Map.of("image_source", "debian-12-arm64")));
      conductor.provision(board.uuid(), ProvisionRequest.of("manage")).join(WAIT);
      conductor.provision(board.uuid(), ProvisionRequest.of("provide")).join(WAIT);

      Node deployed = conductor.provision(board.uuid(), ProvisionRequest.of("active")).join(WAIT);

      assertThat(deployed.provisionState()).as(deployed.lastError()).isEqualTo("active");
      assertThat(deployed.powerState()).isEqualTo("power on");

      Node torn = conductor.provision(board.uuid(), ProvisionRequest.of("deleted")).join(WAIT);
      assertThat(torn.provisionState()).as(torn.lastError()).isEqualTo("available");
      assertThat(torn.powerState()).isEqualTo("power off");

      // checkInput runs before the node is stored: a port the operator did not wire never is.
      assertThatThrownBy(
              () ->
                  conductor.createNode(
                      NodeSpec.of(PoeSwitchHardware.NAME, Map.of("poe_port", "7"))
                          .withName("board-7")))
          .isInstanceOf(InvalidParameterException.class)
          .hasMessage(
              "driver_info.poe_port must be a port from 1 to 4 (the poe-switch-ports setting),"
                  + " not \"7\"");
      assertThat(
              conductor.listNodes(new NodeQuery(null, null, null, 10, null, null, false)).nodes())
          .extracting(Node::name)
          .containsExactly("board-3");
    }
  }
}
