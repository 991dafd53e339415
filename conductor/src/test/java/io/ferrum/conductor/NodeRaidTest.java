package io.ferrum.conductor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferrum.conductor.testing.ConductorEnv;
import io.ferrum.conductor.testing.ConductorTest;
import io.ferrum.driver.fake.FakeHardware;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A node's target RAID configuration: checked by the node's RAID interface, written under the
 * node's lock, read back from the database as written.
 */
class NodeRaidTest {

  private static final Map<String, Object> CONFIG =
      Map.of(
          "logical_disks",
          List.of(
              Map.of("size_gb", 100, "raid_level", "1", "is_root_volume", true),
              Map.of("size_gb", "MAX", "raid_level", "5")));

  private static Node fakeRaidNode(ConductorEnv env) {
    return env.conductor()
        .createNode(
            NodeSpec.of(FakeHardware.NAME, Map.of())
                .withAttributes(NodeAttributes.NONE.withInterfaces(Map.of("raid", "fake"))));
  }

  @ConductorTest
  void setTargetConfig_fakeRaid_storedAndReadBack_thenCleared(ConductorEnv env) {
    Node node = fakeRaidNode(env);

    Node set = env.conductor().raid().setTargetConfig(node.uuid(), CONFIG);
    Node read = env.conductor().getNode(node.uuid());

    assertThat(set.targetRaidConfig()).isEqualTo(CONFIG);
    assertThat(read.targetRaidConfig()).isEqualTo(CONFIG);
    assertThat(read.raidConfig()).isEmpty();
    assertThat(read.reservation()).isNull();
    assertThat(read.version()).isEqualTo(node.version() + 1);
    assertThat(env.notifications().forNode(node.uuid()))
        .extracting(Notification::eventType)
        .contains("baremetal.node.update.end");

    env.conductor().raid().setTargetConfig(node.uuid(), Map.of());

    assertThat(env.conductor().getNode(node.uuid()).targetRaidConfig()).isEmpty();
  }

  @ConductorTest
  void setTargetConfig_noRaid_refused_butClearingIsAllowed(ConductorEnv env) {
    Node node = env.createNode(Map.of());

    assertThatThrownBy(() -> env.conductor().raid().setTargetConfig(node.uuid(), CONFIG))
        .isInstanceOf(UnsupportedInterfaceException.class)
        .hasMessage("Driver fake-hardware does not support raid (disabled or not implemented).");
    env.conductor().raid().setTargetConfig(node.uuid(), Map.of());

    assertThat(env.conductor().getNode(node.uuid()).targetRaidConfig()).isEmpty();
    assertThat(env.conductor().getNode(node.uuid()).reservation()).isNull();
  }

  @ConductorTest
  void setTargetConfig_invalid_refusedNamingTheField_nothingStored(ConductorEnv env) {
    Node node = fakeRaidNode(env);
    Map<String, Object> bad =
        Map.of("logical_disks", List.of(Map.of("size_gb", -1, "raid_level", "1")));

    assertThatThrownBy(() -> env.conductor().raid().setTargetConfig(node.uuid(), bad))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessageContaining("\"logical_disks[0].size_gb\" must be a whole number of at least 1");

    Node read = env.conductor().getNode(node.uuid());
    assertThat(read.targetRaidConfig()).isEmpty();
    assertThat(read.reservation()).isNull();
  }

  @ConductorTest
  void setTargetConfig_checkHangs_failsAtTheValidateDeadline_lockFreed(ConductorEnv env) {
    Conductor conductor =
        env.newConductor("raid", 1, b -> b.driverCallTimeout("validate", Duration.ofMillis(300)));
    Node node =
        conductor.createNode(
            NodeSpec.of(
                    FakeHardware.NAME,
                    Map.of("fake_hang", "raid.validate", "fake_hang_ms", "60000"))
                .withAttributes(NodeAttributes.NONE.withInterfaces(Map.of("raid", "fake"))));

    assertThatThrownBy(() -> conductor.raid().setTargetConfig(node.uuid(), CONFIG))
        .isInstanceOf(DriverFailedException.class)
        .hasMessageContaining("Could not check the target RAID configuration")
        .hasMessageContaining("raid.validateRaidConfig did not return within its deadline");

    Node after = conductor.getNode(node.uuid());
    assertThat(after.targetRaidConfig()).isEmpty();
    assertThat(after.reservation()).isNull();
    assertThat(FakeHardware.callCount(node.uuid(), "raid.validate")).isEqualTo(1);
  }
}
