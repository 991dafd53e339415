package io.ferrum.conductor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferrum.conductor.testing.ConductorEnv;
import io.ferrum.conductor.testing.ConductorTest;
import io.ferrum.driver.fake.FakeHardware;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

class NodeCrudTest {

  @ConductorTest
  void create_getByUuidAndName_masksSecrets(ConductorEnv env) {
    Node created =
        env.conductor()
            .createNode(
                NodeSpec.of(
                        FakeHardware.NAME,
                        Map.of("ipmi_password", "s3cret", "ipmi_address", "10.0.0.1"))
                    .withName("node-1"));

    assertThat(created.provisionState()).isEqualTo("enroll");
    assertThat(created.powerState()).isNull();
    assertThat(env.conductor().getNode("node-1")).isEqualTo(created);
    assertThat(env.conductor().getNode(created.uuid().toUpperCase())).isEqualTo(created);
    assertThat(created.maskedDriverInfo())
        .containsEntry("ipmi_password", "******")
        .containsEntry("ipmi_address", "10.0.0.1");
    assertThat(created.toString()).doesNotContain("s3cret");
  }

  @ConductorTest
  void create_badInput_isRefusedClearly(ConductorEnv env) {
    Conductor conductor = env.conductor();
    conductor.createNode(NodeSpec.of(FakeHardware.NAME, Map.of()).withName("taken"));

    assertThatThrownBy(() -> conductor.createNode(NodeSpec.of("ipmi", Map.of())))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessage("Driver \"ipmi\" is not enabled on this conductor; enabled: [fake-hardware]");
    assertThatThrownBy(() -> conductor.createNode(NodeSpec.of(null, Map.of())))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessage("A node needs a driver");
    assertThatThrownBy(
            () -> conductor.createNode(NodeSpec.of(FakeHardware.NAME, Map.of()).withName("taken")))
        .isInstanceOf(NodeConflictException.class)
        .hasMessage("A node with name taken already exists.");
    assertThatThrownBy(
            () -> conductor.createNode(NodeSpec.of(FakeHardware.NAME, Map.of()).withName("a b")))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessageStartingWith("\"a b\" is not a valid node name");
    assertThatThrownBy(
            () ->
                conductor.createNode(
                    new NodeSpec(
                        "not-a-uuid", null, FakeHardware.NAME, null, null, null, null, null, null)))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessage("\"not-a-uuid\" is not a valid UUID");
    assertThatThrownBy(
            () ->
                conductor.createNode(
                    NodeSpec.of(FakeHardware.NAME, Map.of()).withInitialState("active")))
        .isInstanceOf(InvalidParameterException.class);
    assertThatThrownBy(() -> conductor.getNode("ghost"))
        .isInstanceOf(NodeNotFoundException.class)
        .hasMessage("Node ghost could not be found.");
  }

  @ConductorTest
  void list_filtersAndPagesWithoutLosingOrRepeating(ConductorEnv env) {
    List<String> created = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      created.add(env.createNode(Map.of()).uuid());
    }
    env.nodeIn("manageable", Map.of());

    List<String> seen = new ArrayList<>();
    NodeQuery query = NodeQuery.all().inState("enroll").withLimit(3);
    NodePage page;
    do {
      page = env.conductor().listNodes(query);
      assertThat(page.nodes().size()).isLessThanOrEqualTo(3);
      page.nodes().forEach(n -> seen.add(n.uuid()));
      query = query.after(page.nextMarker());
    } while (page.nextMarker() != null);

    assertThat(seen).containsExactlyElementsOf(created);
    assertThat(env.conductor().listNodes(NodeQuery.all().inState("manageable")).nodes()).hasSize(1);
    assertThatThrownBy(() -> env.conductor().listNodes(NodeQuery.all().withLimit(0)))
        .isInstanceOf(InvalidParameterException.class);
    assertThatThrownBy(
            () ->
                env.conductor()
                    .listNodes(new NodeQuery(null, null, null, 10, null, "password", false)))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessageStartingWith("Unknown sort key \"password\"");
  }

  @ConductorTest
  void update_jsonPatch_onDocumentsAndFields(ConductorEnv env) {
    Node node = env.createNode(Map.of("a", 1));

    Node updated =
        env.conductor()
            .updateNode(
                node.uuid(),
                List.of(
                    PatchOperation.replace("/name", "renamed"),
                    PatchOperation.add("/driver_info/nested", Map.of("x", 1)),
                    PatchOperation.add("/driver_info/nested/y", 2),
                    PatchOperation.remove("/driver_info/a"),
                    PatchOperation.add("/extra/owner~1team", "infra"),
                    PatchOperation.replace("/maintenance", true),
                    PatchOperation.add("/maintenance_reason", "disk swap")));

    assertThat(updated.name()).isEqualTo("renamed");
    assertThat(updated.driverInfo()).isEqualTo(Map.of("nested", Map.of("x", 1, "y", 2)));
    assertThat(updated.extra()).containsEntry("owner/team", "infra");
    assertThat(updated.maintenance()).isTrue();
    assertThat(updated.maintenanceReason()).isEqualTo("disk swap");
    assertThat(updated.version()).isGreaterThan(node.version());
    assertThat(updated.reservation()).isNull();
  }

  @ConductorTest
  void update_badPatches_areRefusedAndChangeNothing(ConductorEnv env) {
    Node node = env.createNode(Map.of());
    Conductor conductor = env.conductor();

    assertThatThrownBy(
            () ->
                conductor.updateNode(
                    node.uuid(), List.of(PatchOperation.replace("/provision_state", "active"))))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessageStartingWith("\"/provision_state\" can not be patched");
    assertThatThrownBy(
            () ->
                conductor.updateNode(
                    node.uuid(), List.of(PatchOperation.replace("/driver_info/none", 1))))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessage("\"/driver_info/none\" does not exist, so it can not be replaced (use add)");
    assertThatThrownBy(
            () ->
                conductor.updateNode(
                    node.uuid(), List.of(new PatchOperation("move", "/name", null))))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessage("Unsupported patch operation \"move\"; use add, replace or remove");
    assertThatThrownBy(
            () ->
                conductor.updateNode(
                    node.uuid(), List.of(PatchOperation.replace("/maintenance", "maybe"))))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessage("maintenance must be true or false, not \"maybe\"");
    assertThatThrownBy(
            () ->
                conductor.updateNode(
                    node.uuid(), List.of(PatchOperation.replace("/driver", "ipmi"))))
        .isInstanceOf(InvalidParameterException.class);
    assertThat(conductor.getNode(node.uuid()).version()).isEqualTo(node.version());
  }

  @ConductorTest
  void update_duringTransition_isConflict_unlessStateAllowsIt(ConductorEnv env) {
    Node waiting = env.nodeIn("available", Map.of("fake_wait", "deploy.deploy"));
    ConductorEnv.finish(env.conductor().provision(waiting.uuid(), ProvisionRequest.of("deploy")));
    Node failed = env.nodeIn("available", Map.of("fake_fail", "deploy.deploy"));
    ConductorEnv.failure(env.conductor().provision(failed.uuid(), ProvisionRequest.of("deploy")));

    assertThatThrownBy(
            () ->
                env.conductor()
                    .updateNode(waiting.uuid(), List.of(PatchOperation.add("/extra/a", 1))))
        .isInstanceOf(NodeConflictException.class)
        .hasMessageEndingWith("can not be updated while a state transition is in progress.");
    Node fixed =
        env.conductor()
            .updateNode(failed.uuid(), List.of(PatchOperation.remove("/driver_info/fake_fail")));
    assertThat(fixed.driverInfo()).doesNotContainKey("fake_fail");
  }

  @ConductorTest
  void delete_allowedStatesOnly_orInMaintenance(ConductorEnv env) {
    Node enrolled = env.createNode(Map.of());
    Node active = env.nodeIn("active", Map.of());

    env.conductor().deleteNode(enrolled.uuid());
    assertThatThrownBy(() -> env.conductor().getNode(enrolled.uuid()))
        .isInstanceOf(NodeNotFoundException.class);
    assertThatThrownBy(() -> env.conductor().deleteNode(active.uuid()))
        .isInstanceOf(NodeConflictException.class)
        .hasMessageStartingWith(
            "Can not delete node " + active.uuid() + " while it is in provision state \"active\"");
    env.conductor()
        .updateNode(active.uuid(), List.of(PatchOperation.replace("/maintenance", true)));
    env.conductor().deleteNode(active.uuid());
    assertThatThrownBy(() -> env.conductor().history(active.uuid()))
        .isInstanceOf(NodeNotFoundException.class);
    int orphans =
        env.jdbi()
            .withHandle(
                h -> h.createQuery("SELECT COUNT(*) FROM node_history").mapTo(Integer.class).one());
    assertThat(orphans).as("history goes with its node").isZero();
    assertThatThrownBy(() -> env.conductor().deleteNode(active.uuid()))
        .isInstanceOf(NodeNotFoundException.class);
  }
}
