package io.ferrum.conductor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferrum.conductor.testing.ConductorEnv;
import io.ferrum.conductor.testing.ConductorTest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/** Ports and port groups: unique MACs, membership, filters, and going with their node. */
class PortsTest {

  @ConductorTest
  void create_normalizesTheMac_andRefusesADuplicate(ConductorEnv env) {
    Ports ports = env.conductor().ports();
    Node node = env.createNode(Map.of());

    Port port =
        ports.create(
            PortSpec.of("52-54-00-AB-CD-EF", node.name() == null ? node.uuid() : node.name()));

    assertThat(port.address()).isEqualTo("52:54:00:ab:cd:ef");
    assertThat(port.nodeUuid()).isEqualTo(node.uuid());
    assertThat(port.pxeEnabled()).isTrue();
    assertThat(ports.get(port.uuid())).isEqualTo(port);
    assertThatThrownBy(() -> ports.create(PortSpec.of("52:54:00:ab:cd:ef", node.uuid())))
        .isInstanceOf(NodeConflictException.class)
        .hasMessage("A port with MAC address 52:54:00:ab:cd:ef already exists.");
    assertThatThrownBy(() -> ports.create(PortSpec.of("not-a-mac", node.uuid())))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessageStartingWith("Expected a MAC address");
    assertThatThrownBy(() -> ports.create(PortSpec.of("52:54:00:00:00:01", "ghost")))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessage("Node ghost could not be found.");
    assertThat(env.conductor().getNode(node.uuid()).reservation()).isNull();
  }

  @ConductorTest
  void list_filtersByNodeAndAddress_andPages(ConductorEnv env) {
    Ports ports = env.conductor().ports();
    Node a = env.createNode(Map.of());
    Node b = env.createNode(Map.of());
    for (int i = 0; i < 3; i++) {
      ports.create(PortSpec.of("52:54:00:00:00:0" + i, a.uuid()));
    }
    ports.create(PortSpec.of("52:54:00:00:01:00", b.uuid()));

    assertThat(ports.list(PortQuery.all().ofNode(a.uuid())).items()).hasSize(3);
    assertThat(
            ports
                .list(new PortQuery(null, "52:54:00:00:01:00", null, 10, null, "id", false))
                .items())
        .extracting(Port::nodeUuid)
        .containsExactly(b.uuid());
    Page<Port> first = ports.list(new PortQuery(null, null, null, 2, null, "address", false));
    Page<Port> second =
        ports.list(new PortQuery(null, null, null, 2, first.nextMarker(), "address", false));
    assertThat(first.items()).hasSize(2);
    assertThat(second.items()).hasSize(2);
    assertThat(second.nextMarker()).isNull();
  }

  @ConductorTest
  void update_patchesFields_andChecksTheLink(ConductorEnv env) {
    Ports ports = env.conductor().ports();
    Node node = env.createNode(Map.of());
    Port port = ports.create(PortSpec.of("52:54:00:00:00:01", node.uuid()));

    Port updated =
        ports.update(
            port.uuid(),
            List.of(
                PatchOperation.replace("/pxe_enabled", "false"),
                PatchOperation.add(
                    "/local_link_connection",
                    Map.of("switch_id", "0a:1b:2c:3d:4e:5f", "port_id", "Ethernet3/1")),
                PatchOperation.add("/extra/rack", "r4")));

    assertThat(updated.pxeEnabled()).isFalse();
    assertThat(updated.localLinkConnection()).containsEntry("port_id", "Ethernet3/1");
    assertThat(updated.extra()).containsEntry("rack", "r4");
    assertThatThrownBy(
            () ->
                ports.update(
                    port.uuid(),
                    List.of(PatchOperation.add("/local_link_connection", Map.of("port_id", "x")))))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessageContaining("needs port_id with switch_id");
    assertThatThrownBy(() -> ports.update(port.uuid(), List.of(PatchOperation.remove("/address"))))
        .isInstanceOf(InvalidParameterException.class);
  }

  @ConductorTest
  void portgroups_holdTheirNodesPorts_andRefuseDeleteWhileMembersRemain(ConductorEnv env) {
    Conductor conductor = env.conductor();
    Node node = env.createNode(Map.of());
    Node other = env.createNode(Map.of());
    Portgroup bond =
        conductor
            .portgroups()
            .create(
                new PortgroupSpec(
                    null, "bond0", "52:54:00:00:0a:00", node.uuid(), null, null, null, null));
    assertThat(bond.mode()).isEqualTo("active-backup");
    Port member =
        conductor
            .ports()
            .create(
                new PortSpec(
                    null, "52:54:00:00:0a:01", node.uuid(), "bond0", null, null, null, null, null));

    assertThat(member.portgroupUuid()).isEqualTo(bond.uuid());
    assertThat(
            conductor
                .ports()
                .list(new PortQuery(null, null, "bond0", 10, null, "id", false))
                .items())
        .extracting(Port::uuid)
        .containsExactly(member.uuid());
    assertThatThrownBy(
            () ->
                conductor
                    .ports()
                    .create(
                        new PortSpec(
                            null,
                            "52:54:00:00:0b:01",
                            other.uuid(),
                            "bond0",
                            null,
                            null,
                            null,
                            null,
                            null)))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessageContaining("belongs to another node");
    assertThatThrownBy(() -> conductor.portgroups().delete("bond0"))
        .isInstanceOf(NodeConflictException.class)
        .hasMessageContaining("contains ports");
    conductor.ports().delete(member.uuid());
    conductor.portgroups().delete("bond0");
    assertThatThrownBy(() -> conductor.portgroups().get("bond0"))
        .isInstanceOf(NodeNotFoundException.class);
  }

  @ConductorTest
  void portgroups_pageByAddress_bothWays_andNameWhatTheyRefuse(ConductorEnv env) {
    Portgroups portgroups = env.conductor().portgroups();
    Node node = env.createNode(Map.of());
    List<String> byAddress = new ArrayList<>(); // no address first: it sorts as ""
    for (String address : new String[] {null, "52:54:00:00:0d:01", "52:54:00:00:0d:02"}) {
      byAddress.add(
          portgroups
              .create(
                  new PortgroupSpec(
                      null,
                      "bond" + byAddress.size(),
                      address,
                      node.uuid(),
                      null,
                      null,
                      null,
                      null))
              .uuid());
    }

    assertThat(walk(portgroups, false)).containsExactlyElementsOf(byAddress);
    List<String> descending = new ArrayList<>(byAddress);
    Collections.reverse(descending);
    assertThat(walk(portgroups, true)).containsExactlyElementsOf(descending);
    assertThat(
            portgroups
                .list(new PortQuery(null, "52:54:00:00:0D:02", null, 10, null, null, false))
                .items())
        .extracting(Portgroup::uuid)
        .containsExactly(byAddress.get(2));
    assertThatThrownBy(
            () -> portgroups.list(new PortQuery(null, null, null, 10, null, "name", false)))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessageStartingWith("Unknown sort key \"name\"; use one of [")
        .hasMessageContainingAll("id", "uuid", "address", "created_at");
    assertThatThrownBy(
            () -> portgroups.list(new PortQuery(null, null, null, 1001, null, "id", false)))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessage("limit must be between 1 and 1000, not 1001");
    assertThatThrownBy(
            () -> portgroups.list(new PortQuery(null, null, null, 10, "nope", "id", false)))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessage("marker \"nope\" is not a UUID of the listing");
  }

  /** Every port group's UUID by address, read one page of one at a time. */
  private static List<String> walk(Portgroups portgroups, boolean descending) {
    List<String> seen = new ArrayList<>();
    String marker = null;
    do {
      Page<Portgroup> page =
          portgroups.list(new PortQuery(null, null, null, 1, marker, "address", descending));
      page.items().forEach(group -> seen.add(group.uuid()));
      marker = page.nextMarker();
    } while (marker != null && seen.size() < 10);
    return seen;
  }

  @ConductorTest
  void deletingANode_removesItsPortsAndPortgroups(ConductorEnv env) {
    Conductor conductor = env.conductor();
    Node node = env.createNode(Map.of());
    conductor
        .portgroups()
        .create(new PortgroupSpec(null, "bond1", null, node.uuid(), null, null, null, null));
    Port port =
        conductor
            .ports()
            .create(
                new PortSpec(
                    null, "52:54:00:00:0c:01", node.uuid(), "bond1", null, null, null, null, null));

    conductor.deleteNode(node.uuid());

    assertThatThrownBy(() -> conductor.ports().get(port.uuid()))
        .isInstanceOf(NodeNotFoundException.class);
    assertThat(conductor.portgroups().list(PortQuery.all()).items()).isEmpty();
    Node again = env.createNode(Map.of());
    assertThat(conductor.ports().create(PortSpec.of("52:54:00:00:0c:01", again.uuid())).address())
        .as("the MAC is free again")
        .isEqualTo("52:54:00:00:0c:01");
  }
}
