package io.ferrum.driver.ipmi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferrum.conductor.Conductor;
import io.ferrum.conductor.ConnectionPool;
import io.ferrum.conductor.Databases;
import io.ferrum.conductor.InvalidParameterException;
import io.ferrum.conductor.Node;
import io.ferrum.conductor.NodeSpec;
import io.ferrum.conductor.NotificationSink;
import io.ferrum.conductor.SynchronousWorkerPool;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nodes with {@code driver=ipmi} driven by a real conductor (found through ServiceLoader, as {@code
 * ferrum serve} finds it) against an {@code ipmi_sim} BMC.
 */
class IpmiConductorTest {

  @TempDir Path dir;

  private IpmiSim sim;
  private ConnectionPool pool;
  private Conductor conductor;

  @BeforeEach
  void start() throws Exception {
    sim = IpmiSim.startOrSkip(dir.resolve("bmc"));
    pool =
        Databases.pooled("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", null, null, 8);
    conductor =
        Conductor.builder()
            .dataSource(pool)
            .name("ipmi-test")
            .workerPool(new SynchronousWorkerPool())
            .notificationSink(NotificationSink.none())
            .driverSetting("bmc-allowed-networks", "127.0.0.1/32")
            .driverSetting("ipmi-min-command-interval", "0")
            .build();
  }

  @AfterEach
  void stop() throws Exception {
    if (conductor != null) {
      conductor.close();
    }
    if (pool != null) {
      pool.close();
    }
    if (sim != null) {
      sim.close();
    }
  }

  @Test
  void node_isCreatedValidatedAndDriven() throws Exception {
    assertThat(conductor.drivers()).contains("ipmi");
    Node node = conductor.createNode(NodeSpec.of("ipmi", sim.driverInfo()));

    node =
        conductor
            .provision(node.uuid(), io.ferrum.conductor.ProvisionRequest.of("manage"))
            .await(Duration.ofMinutes(1));
    assertThat(node.provisionState()).isEqualTo("manageable");
    assertThat(node.powerState()).isEqualTo("power off");

    var validation = conductor.validate(node.uuid());
    assertThat(validation.get("power").result()).isTrue();
    assertThat(validation.get("management").result()).isTrue();

    node = conductor.power(node.uuid(), "power on", null).await(Duration.ofMinutes(1));
    assertThat(node.powerState()).isEqualTo("power on");
    assertThat(sim.poweredOn()).isTrue();

    node = conductor.power(node.uuid(), "rebooting", null).await(Duration.ofMinutes(1));
    assertThat(node.powerState()).isEqualTo("power on");

    conductor.management().setBootDevice(node.uuid(), "pxe", true);
    assertThat(sim.bootDevice()).isEqualTo("pxe");
    assertThat(conductor.management().bootDevice(node.uuid()).bootDevice()).isEqualTo("pxe");
    assertThat(conductor.management().supportedBootDevices(node.uuid()))
        .containsExactly("pxe", "disk", "cdrom", "bios", "safe");

    node = conductor.power(node.uuid(), "power off", null).await(Duration.ofMinutes(1));
    assertThat(node.powerState()).isEqualTo("power off");
    assertThat(sim.poweredOn()).isFalse();
  }

  @Test
  void wrongPassword_leavesTheBmcsReasonInLastError() throws Exception {
    Map<String, Object> info = new HashMap<>(sim.driverInfo());
    info.put("ipmi_password", "wrong");
    Node node = conductor.createNode(NodeSpec.of("ipmi", info));

    var handle = conductor.power(node.uuid(), "power on", null);
    assertThatThrownBy(() -> handle.await(Duration.ofMinutes(1)))
        .hasRootCauseInstanceOf(io.ferrum.driver.InvalidDriverInfoException.class);

    node = conductor.getNode(node.uuid());
    assertThat(node.reservation()).isNull();
    assertThat(node.lastError()).contains("rejected the credentials").doesNotContain("wrong");
    assertThat(sim.poweredOn()).isFalse();
  }

  @Test
  void addressOutsideTheAllowedNetworks_isRefusedAtCreate() {
    Map<String, Object> info = new HashMap<>(sim.driverInfo());
    info.put("ipmi_address", "10.0.0.1");

    assertThatThrownBy(() -> conductor.createNode(NodeSpec.of("ipmi", info)))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessageContaining("bmc-allowed-networks");
    info.put("ipmi_address", "-oProxyCommand=x");
    assertThatThrownBy(() -> conductor.createNode(NodeSpec.of("ipmi", info)))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessageContaining("driver_info.ipmi_address");
  }

  @Test
  void driverDescription_listsIronicsProperties() {
    var description = conductor.describeDriver("ipmi").orElseThrow();

    assertThat(description.properties()).containsKeys("ipmi_address", "ipmi_password");
    assertThat(description.defaultInterface("power")).isEqualTo("ipmitool");
    assertThat(description.defaultInterface("management")).isEqualTo("ipmitool");
  }
}
