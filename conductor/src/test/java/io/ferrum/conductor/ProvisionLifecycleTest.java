package io.ferrum.conductor;

import static io.ferrum.conductor.testing.ConductorEnv.finish;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferrum.conductor.testing.ConductorEnv;
import io.ferrum.conductor.testing.ConductorTest;
import io.ferrum.driver.Step;
import io.ferrum.driver.fake.FakeHardware;
import java.util.List;
import java.util.Map;

/** Every provision verb's flow, through the fake driver, on every pool and database. */
class ProvisionLifecycleTest {

  @ConductorTest
  void deploy_storesConfigDriveAndDeploySteps_beforeTheDriver_undeployRemovesThem(
      ConductorEnv env) {
    Conductor conductor = env.conductor();
    Node node = env.createNode(Map.of());
    finish(conductor.provision(node.uuid(), ProvisionRequest.of("manage")));
    finish(conductor.provision(node.uuid(), ProvisionRequest.of("provide")));
    List<Map<String, Object>> steps =
        List.of(Map.of("interface", "deploy", "step", "s", "args", Map.of(), "priority", 5));

    node =
        finish(
            conductor.provision(
                node.uuid(), new ProvisionRequest("active", null, null, null, "drive", steps)));

    assertThat(node.provisionState()).isEqualTo("active");
    assertThat(node.instanceInfo()).containsEntry("configdrive", "drive");
    assertThat(node.driverInternalInfo()).containsEntry("user_deploy_steps", steps);
    assertThat(node).isEqualTo(conductor.getNode(node.uuid()));

    node = finish(conductor.provision(node.uuid(), ProvisionRequest.of("undeploy")));

    assertThat(node.instanceInfo()).isEmpty();
    assertThat(node.driverInternalInfo()).doesNotContainKey("user_deploy_steps");
  }

  @ConductorTest
  void configDrive_withAVerbOtherThanDeployOrRebuild_isRefused_nothingChanges(ConductorEnv env) {
    Conductor conductor = env.conductor();
    Node node = env.createNode(Map.of());

    assertThatThrownBy(
            () ->
                conductor.provision(
                    node.uuid(), new ProvisionRequest("manage", null, null, null, "drive", null)))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessageContaining("only with a deploy (active) or a rebuild");
    assertThatThrownBy(() -> new ProvisionRequest("active", null, null, null, 42, null))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessageContaining("configdrive must be a string or a JSON object");
    assertThat(conductor.getNode(node.uuid())).isEqualTo(node);
  }

  @ConductorTest
  void fullLifecycle_enrollToAvailableAndBack(ConductorEnv env) {
    Conductor conductor = env.conductor();
    Node node = env.createNode(Map.of());
    assertThat(node.provisionState()).isEqualTo("enroll");
    assertThat(node.targetProvisionState()).isNull();

    ActionHandle manage = conductor.provision(node.uuid(), ProvisionRequest.of("manage"));
    assertThat(manage.applied().provisionState()).isIn("verifying");
    assertThat(manage.applied().targetProvisionState()).isEqualTo("manageable");
    node = finish(manage);
    assertThat(node.provisionState()).isEqualTo("manageable");
    assertThat(node.targetProvisionState()).isNull();
    assertThat(node.powerState()).isEqualTo("power off");

    ActionHandle provide = conductor.provision(node.uuid(), ProvisionRequest.of("provide"));
    assertThat(provide.applied().provisionState()).isEqualTo("cleaning");
    assertThat(provide.applied().targetProvisionState()).isEqualTo("available");
    node = finish(provide);
    assertThat(node.provisionState()).isEqualTo("available");

    ActionHandle deploy = conductor.provision(node.uuid(), ProvisionRequest.of("active"));
    assertThat(deploy.applied().provisionState()).isEqualTo("deploying");
    assertThat(deploy.applied().targetProvisionState()).isEqualTo("active");
    node = finish(deploy);
    assertThat(node.provisionState()).isEqualTo("active");
    assertThat(node.powerState()).isEqualTo("power on");

    ActionHandle undeploy = conductor.provision(node.uuid(), ProvisionRequest.of("undeploy"));
    assertThat(undeploy.applied().provisionState()).isEqualTo("deleting");
    assertThat(undeploy.applied().targetProvisionState()).isEqualTo("available");
    node = finish(undeploy);
    assertThat(node.provisionState()).isEqualTo("available");
    assertThat(node.powerState()).isEqualTo("power off");
    assertThat(node.reservation()).isNull();
    assertThat(node.lastError()).isNull();
    assertThat(node)
        .as("the worker's snapshot equals the stored row")
        .isEqualTo(conductor.getNode(node.uuid()));

    List<HistoryEvent> history = conductor.history(node.uuid());
    assertThat(history)
        .extracting(h -> h.fromState() + " --" + h.event() + "--> " + h.toState())
        .containsExactly(
            "enroll --manage--> verifying",
            "verifying --done--> manageable",
            "manageable --provide--> cleaning",
            "cleaning --done--> available",
            "available --deploy--> deploying",
            "deploying --done--> active",
            "active --delete--> deleting",
            "deleting --clean--> cleaning",
            "cleaning --done--> available");
    assertThat(history).allSatisfy(h -> assertThat(h.conductor()).isEqualTo("conductor-1"));
    assertThat(env.notifications().forNode(node.uuid()))
        .extracting(Notification::eventType)
        .containsSubsequence(
            "baremetal.node.create.end",
            "baremetal.node.provision_set.start",
            "baremetal.node.provision_set.end",
            "baremetal.node.provision_set.start",
            "baremetal.node.provision_set.end");
  }

  @ConductorTest
  void deploy_deployInterfaceWaits_goesToWaitCallBack_thenContinues(ConductorEnv env) {
    Node node = env.nodeIn("available", Map.of("fake_wait", "deploy.deploy"));

    Node waiting = finish(env.conductor().provision(node.uuid(), ProvisionRequest.of("deploy")));
    assertThat(waiting.provisionState()).isEqualTo("wait call-back");
    assertThat(waiting.targetProvisionState()).isEqualTo("active");
    assertThat(waiting.reservation()).as("released while waiting").isNull();

    ActionHandle resumed = env.conductor().continueNode(node.uuid());
    assertThat(resumed.applied().provisionState()).isEqualTo("deploying");
    Node active = finish(resumed);
    assertThat(active.provisionState()).isEqualTo("active");
    assertThat(FakeHardware.callCount(node.uuid(), "deploy.continue")).isEqualTo(1);
  }

  @ConductorTest
  void rebuild_fromActive_deploysAgain(ConductorEnv env) {
    Node node = env.nodeIn("active", Map.of());

    Node rebuilt = finish(env.conductor().provision(node.uuid(), ProvisionRequest.of("rebuild")));

    assertThat(rebuilt.provisionState()).isEqualTo("active");
    assertThat(FakeHardware.callCount(node.uuid(), "deploy.deploy")).isEqualTo(2);
  }

  @ConductorTest
  void inspect_mergesDiscoveredProperties(ConductorEnv env) {
    Node node = env.nodeIn("manageable", Map.of());

    Node inspected = finish(env.conductor().provision(node.uuid(), ProvisionRequest.of("inspect")));

    assertThat(inspected.provisionState()).isEqualTo("manageable");
    assertThat(inspected).isEqualTo(env.conductor().getNode(node.uuid()));
    assertThat(inspected.properties())
        .containsEntry("cpus", 2)
        .containsEntry("memory_mb", 4096)
        .containsEntry("local_gb", 20)
        .containsEntry("cpu_arch", "x86_64");
  }

  @ConductorTest
  void manualClean_aimsBackAtManageable_evenThroughCleanWait(ConductorEnv env) {
    Node node = env.nodeIn("manageable", Map.of("fake_wait", "clean.clean"));
    List<Step> steps = List.of(new Step("deploy", "erase_devices", Map.of()));

    ActionHandle clean = env.conductor().provision(node.uuid(), ProvisionRequest.clean(steps));
    assertThat(clean.applied().targetProvisionState()).isEqualTo("manageable");
    Node waiting = finish(clean);
    assertThat(waiting.provisionState()).isEqualTo("clean wait");
    assertThat(waiting.targetProvisionState()).isEqualTo("manageable");

    Node done = finish(env.conductor().continueNode(node.uuid()));
    assertThat(done.provisionState()).isEqualTo("manageable");
    assertThat(done.targetProvisionState()).isNull();
  }

  @ConductorTest
  void abort_fromCleanWait_goesToCleanFailed_thenManage(ConductorEnv env) {
    Node node = env.nodeIn("manageable", Map.of("fake_wait", "clean.clean"));
    finish(env.conductor().provision(node.uuid(), ProvisionRequest.of("provide")));

    Node aborted = finish(env.conductor().provision(node.uuid(), ProvisionRequest.of("abort")));
    assertThat(aborted.provisionState()).isEqualTo("clean failed");

    Node managed = finish(env.conductor().provision(node.uuid(), ProvisionRequest.of("manage")));
    assertThat(managed.provisionState()).isEqualTo("manageable");
  }

  @ConductorTest
  void abort_fromWaitCallBack_endsTheDeploysNotification_andARetryStartsANewOne(ConductorEnv env) {
    Node node = env.nodeIn("available", Map.of("fake_wait", "deploy.deploy"));
    finish(env.conductor().provision(node.uuid(), ProvisionRequest.of("deploy")));
    int before = env.notifications().forNode(node.uuid()).size();

    Node aborted = finish(env.conductor().provision(node.uuid(), ProvisionRequest.of("abort")));
    assertThat(aborted.provisionState()).isEqualTo("deploy failed");
    env.conductor()
        .updateNode(node.uuid(), List.of(PatchOperation.remove("/driver_info/fake_wait")));
    Node retried = finish(env.conductor().provision(node.uuid(), ProvisionRequest.of("deploy")));
    assertThat(retried.provisionState()).isEqualTo("active");

    // Ironic's rule: entering the unstable states starts, leaving them ends (an abort included).
    List<Notification> all = env.notifications().forNode(node.uuid());
    assertThat(all.subList(before, all.size()))
        .filteredOn(n -> n.eventType().startsWith("baremetal.node.provision_set."))
        .extracting(
            n ->
                n.eventType()
                    + " "
                    + n.payload().get("previous_provision_state")
                    + " -> "
                    + n.payload().get("provision_state"))
        .containsExactly(
            "baremetal.node.provision_set.end wait call-back -> deploy failed",
            "baremetal.node.provision_set.start deploy failed -> deploying",
            "baremetal.node.provision_set.end deploying -> active");
  }

  @ConductorTest
  void adopt_fromManageable_becomesActive(ConductorEnv env) {
    Node node = env.nodeIn("manageable", Map.of("fake_power_state", "power on"));

    Node adopted = finish(env.conductor().provision(node.uuid(), ProvisionRequest.of("adopt")));

    assertThat(adopted.provisionState()).isEqualTo("active");
    assertThat(adopted.powerState()).isEqualTo("power on");
    assertThat(FakeHardware.callCount(node.uuid(), "deploy.take_over")).isEqualTo(1);
  }

  @ConductorTest
  void rescueAndUnrescue_roundTrip(ConductorEnv env) {
    Node node = env.nodeIn("active", Map.of());

    Node rescued =
        finish(
            env.conductor()
                .provision(node.uuid(), new ProvisionRequest("rescue", null, null, "secret")));
    assertThat(rescued.provisionState()).isEqualTo("rescue");
    Node back = finish(env.conductor().provision(node.uuid(), ProvisionRequest.of("unrescue")));
    assertThat(back.provisionState()).isEqualTo("active");
  }

  @ConductorTest
  void service_withWait_thenAbort_returnsToActiveViaServiceFailed(ConductorEnv env) {
    Node node = env.nodeIn("active", Map.of("fake_wait", "deploy.service"));
    List<Step> steps = List.of(new Step("deploy", "update_firmware", Map.of()));

    Node waiting =
        finish(
            env.conductor()
                .provision(node.uuid(), new ProvisionRequest("service", null, steps, null)));
    assertThat(waiting.provisionState()).isEqualTo("service wait");
    Node aborted = finish(env.conductor().provision(node.uuid(), ProvisionRequest.of("abort")));
    assertThat(aborted.provisionState()).isEqualTo("service failed");
    Node active = finish(env.conductor().provision(node.uuid(), ProvisionRequest.of("abort")));
    assertThat(active.provisionState()).isEqualTo("active");
  }

  @ConductorTest
  void legacyAvailableNode_canBeDeployedDirectly(ConductorEnv env) {
    Node node =
        env.conductor()
            .createNode(NodeSpec.of(FakeHardware.NAME, Map.of()).withInitialState("available"));

    Node active = finish(env.conductor().provision(node.uuid(), ProvisionRequest.of("deploy")));

    assertThat(active.provisionState()).isEqualTo("active");
  }

  @ConductorTest
  void unhold_fromDeployHold_returnsToWaitCallBack(ConductorEnv env) {
    Node node = env.nodeIn("available", Map.of("fake_wait", "deploy.deploy"));
    finish(env.conductor().provision(node.uuid(), ProvisionRequest.of("deploy")));
    // A deploy step asks to hold: the conductor fires the internal "hold" event.
    try (Task task = env.conductor().tasks().acquire(node.uuid(), "hold", LockMode.EXCLUSIVE)) {
      task.spawnAfter("hold", null, (t, applied) -> {});
      assertThat(finish(task.handOff()).provisionState()).isEqualTo("deploy hold");
    }

    Node unheld = finish(env.conductor().provision(node.uuid(), ProvisionRequest.of("unhold")));

    assertThat(unheld.provisionState()).isEqualTo("wait call-back");
    assertThat(unheld.targetProvisionState()).isEqualTo("active");
  }
}
