package io.ferrum.conductor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferrum.conductor.testing.ConductorEnv;
import io.ferrum.conductor.testing.ConductorTest;
import io.ferrum.driver.fake.FakeHardware;
import java.util.List;
import java.util.Map;

/** Ironic's descriptive node fields: stored, patched, checked, and enforced on verbs. */
class NodeAttributesTest {

  private static NodeSpec spec(NodeAttributes attributes) {
    return NodeSpec.of(FakeHardware.NAME, Map.of()).withAttributes(attributes);
  }

  @ConductorTest
  void create_withAttributesAndInterfaces_storesThemAndFillsDefaults(ConductorEnv env) {
    Node node =
        env.conductor()
            .createNode(
                spec(
                    NodeAttributes.of("baremetal-gold", "team-a", "team-b", "rack 4")
                        .withInterfaces(Map.of("boot", "fake"))));

    Node read = env.conductor().getNode(node.uuid());
    assertThat(read).isEqualTo(node);
    assertThat(read.attributes().resourceClass()).isEqualTo("baremetal-gold");
    assertThat(read.attributes().owner()).isEqualTo("team-a");
    assertThat(read.attributes().lessee()).isEqualTo("team-b");
    assertThat(read.attributes().description()).isEqualTo("rack 4");
    assertThat(read.attributes().interfaces())
        .containsEntry("boot", "fake")
        .containsEntry("deploy", "fake")
        .containsEntry("bios", "no-bios")
        .containsEntry("network", "noop")
        .hasSize(12);
  }

  @ConductorTest
  void create_interfaceTheHardwareTypeLacks_isRefused(ConductorEnv env) {
    assertThatThrownBy(
            () ->
                env.conductor()
                    .createNode(spec(NodeAttributes.NONE.withInterfaces(Map.of("boot", "ipxe")))))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessage(
            "boot_interface \"ipxe\" is not supported by hardware type fake-hardware; supported:"
                + " fake");
    assertThatThrownBy(
            () ->
                env.conductor()
                    .createNode(spec(NodeAttributes.of("x".repeat(81), null, null, null))))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessageStartingWith("resource_class is longer than 80 characters");
  }

  @ConductorTest
  void patch_textsAndLenientBooleans_areStoredTyped(ConductorEnv env) {
    Node node = env.nodeIn("active", Map.of());

    Node patched =
        env.conductor()
            .updateNode(
                node.uuid(),
                List.of(
                    PatchOperation.replace("/resource_class", "silver"),
                    PatchOperation.add("/owner", "team-c"),
                    PatchOperation.add("/protected", "True"),
                    PatchOperation.add("/protected_reason", "production"),
                    PatchOperation.add("/maintenance", "false")));

    assertThat(patched.attributes().resourceClass()).isEqualTo("silver");
    assertThat(patched.attributes().owner()).isEqualTo("team-c");
    assertThat(patched.attributes().isProtected()).isTrue();
    assertThat(patched.attributes().protectedReason()).isEqualTo("production");
    assertThat(env.conductor().getNode(node.uuid())).isEqualTo(patched);
    assertThatThrownBy(
            () ->
                env.conductor()
                    .updateNode(node.uuid(), List.of(PatchOperation.add("/retired", "maybe"))))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessage("retired must be true or false, not \"maybe\"");
  }

  @ConductorTest
  void protectedNode_refusesUndeployRebuildAndDelete_untilUnset(ConductorEnv env) {
    Conductor conductor = env.conductor();
    Node node = env.nodeIn("active", Map.of());
    conductor.updateNode(node.uuid(), List.of(PatchOperation.add("/protected", true)));
    conductor.updateNode(node.uuid(), List.of(PatchOperation.add("/maintenance", true)));

    assertThatThrownBy(() -> conductor.provision(node.uuid(), ProvisionRequest.of("deleted")))
        .isInstanceOf(NodeProtectedException.class)
        .hasMessageContaining("is protected");
    assertThatThrownBy(() -> conductor.provision(node.uuid(), ProvisionRequest.of("rebuild")))
        .isInstanceOf(NodeProtectedException.class);
    assertThatThrownBy(() -> conductor.deleteNode(node.uuid()))
        .isInstanceOf(NodeProtectedException.class);
    assertThat(new NodeProtectedException("x").kind().httpStatus()).isEqualTo(403);

    Node unprotected =
        conductor.updateNode(
            node.uuid(),
            List.of(
                PatchOperation.remove("/protected"), PatchOperation.add("/maintenance", false)));
    assertThat(unprotected.attributes().isProtected()).isFalse();
    ConductorEnv.finish(conductor.provision(node.uuid(), ProvisionRequest.of("deleted")));
    assertThat(conductor.getNode(node.uuid()).provisionState()).isEqualTo("available");
  }

  @ConductorTest
  void protection_onlyWhenDeployed_andReasonsNeedTheirFlag(ConductorEnv env) {
    Conductor conductor = env.conductor();
    Node node = env.nodeIn("available", Map.of());

    assertThatThrownBy(
            () ->
                conductor.updateNode(node.uuid(), List.of(PatchOperation.add("/protected", true))))
        .isInstanceOf(NodeConflictException.class)
        .hasMessageContaining("can only be protected in provision state \"active\"");
    assertThatThrownBy(
            () ->
                conductor.updateNode(
                    node.uuid(), List.of(PatchOperation.add("/retired_reason", "old"))))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessage("The retired_reason field can only be set when retired is true");

    Node retired =
        conductor.updateNode(
            node.uuid(),
            List.of(
                PatchOperation.add("/retired", true),
                PatchOperation.add("/retired_reason", "end of life")));
    assertThat(retired.attributes().retiredReason()).isEqualTo("end of life");
    Node back = conductor.updateNode(node.uuid(), List.of(PatchOperation.add("/retired", false)));
    assertThat(back.attributes().retired()).isFalse();
    assertThat(back.attributes().retiredReason()).as("cleared with its flag").isNull();
  }

  @ConductorTest
  void retiredNode_cannotBeProvided(ConductorEnv env) {
    Conductor conductor = env.conductor();
    Node node = env.nodeIn("manageable", Map.of());
    conductor.updateNode(node.uuid(), List.of(PatchOperation.add("/retired", true)));

    assertThatThrownBy(() -> conductor.provision(node.uuid(), ProvisionRequest.of("provide")))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessageContaining("because it is retired");
    assertThat(conductor.getNode(node.uuid()).provisionState()).isEqualTo("manageable");
  }

  @ConductorTest
  void patch_interface_checkedAgainstTheHardwareType(ConductorEnv env) {
    Conductor conductor = env.conductor();
    Node node = env.createNode(Map.of());

    assertThatThrownBy(
            () ->
                conductor.updateNode(
                    node.uuid(), List.of(PatchOperation.add("/deploy_interface", "direct"))))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessageContaining("deploy_interface \"direct\" is not supported");
    Node reset =
        conductor.updateNode(node.uuid(), List.of(PatchOperation.remove("/deploy_interface")));
    assertThat(reset.attributes().iface("deploy")).isEqualTo("fake");
  }

  @ConductorTest
  void list_filtersByResourceClassAndOwner(ConductorEnv env) {
    Conductor conductor = env.conductor();
    Node gold = conductor.createNode(spec(NodeAttributes.of("gold", "a", null, null)));
    conductor.createNode(spec(NodeAttributes.of("silver", "a", null, null)));
    conductor.createNode(spec(NodeAttributes.of("gold", "b", null, null)));

    List<Node> found = conductor.listNodes(NodeQuery.all().ownedBy("gold", "a", null)).nodes();

    assertThat(found).extracting(Node::uuid).containsExactly(gold.uuid());
    assertThat(conductor.listNodes(NodeQuery.all().ownedBy("gold", null, null)).nodes()).hasSize(2);
  }

  @ConductorTest
  void inspection_recordsItsStartAndFinish(ConductorEnv env) {
    Conductor conductor = env.conductor();
    Node node = env.nodeIn("manageable", Map.of());

    Node inspected =
        ConductorEnv.finish(conductor.provision(node.uuid(), ProvisionRequest.of("inspect")));

    Node read = conductor.getNode(node.uuid());
    assertThat(read.provisionState()).isEqualTo("manageable");
    assertThat(read.attributes().inspectionFinishedAt()).isNotNull();
    assertThat(read.attributes().inspectionStartedAt()).isNull();
    assertThat(inspected.attributes().inspectionFinishedAt())
        .isEqualTo(read.attributes().inspectionFinishedAt());
  }

  @ConductorTest
  void undeploy_clearsInstanceInfo_asIronicDoes(ConductorEnv env) {
    Conductor conductor = env.conductor();
    Node node =
        conductor.createNode(
            NodeSpec.of(FakeHardware.NAME, Map.of())
                .withInstanceInfo(Map.of("instance_uuid", "i-1", "image_source", "img")));
    for (String verb : List.of("manage", "provide", "active", "deleted")) {
      ConductorEnv.finish(conductor.provision(node.uuid(), ProvisionRequest.of(verb)));
    }

    Node read = conductor.getNode(node.uuid());
    assertThat(read.provisionState()).isEqualTo("available");
    assertThat(read.instanceInfo()).isEmpty();
  }

  @ConductorTest
  void abort_leavesALastError(ConductorEnv env) {
    Conductor conductor = env.conductor();
    Node node = env.nodeIn("available", Map.of("fake_wait", "deploy.deploy"));
    ConductorEnv.finish(conductor.provision(node.uuid(), ProvisionRequest.of("active")));
    assertThat(conductor.getNode(node.uuid()).provisionState()).isEqualTo("wait call-back");

    ConductorEnv.finish(conductor.provision(node.uuid(), ProvisionRequest.of("abort")));

    Node read = conductor.getNode(node.uuid());
    assertThat(read.provisionState()).isEqualTo("deploy failed");
    assertThat(read.lastError()).isEqualTo("By request, the deploy operation was aborted");
  }
}
