package io.ferrum.fsm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class MachineInstanceTest {

  private static final MachineDefinition PROVISION = ProvisionMachine.DEFINITION;

  @Test
  void newInstance_default_startsInInitialStateWithoutTarget() {
    MachineInstance instance = PROVISION.newInstance();

    assertThat(instance.state()).isEqualTo("enroll");
    assertThat(instance.target()).isNull();
    assertThat(instance.isStable()).isTrue();
    assertThat(instance.allowedEvents()).containsExactly("manage");
  }

  @Test
  void fire_allowedEvent_movesAndReportsAction() {
    MachineInstance instance = PROVISION.newInstance("available", null);

    FiredTransition fired = instance.fire("deploy");

    assertThat(fired)
        .isEqualTo(
            new FiredTransition(
                "available", "deploy", "deploying", null, "active", ProvisionAction.DEPLOY));
    assertThat(instance.state()).isEqualTo("deploying");
    assertThat(instance.target()).isEqualTo("active");
  }

  @Test
  void fire_fullDeployAndUndeployCycle_followsIronic() {
    MachineInstance instance = ProvisionMachine.instance(ProvisionState.AVAILABLE, null);
    List<String> seen = new ArrayList<>();
    for (String event : List.of("deploy", "wait", "resume", "done", "delete", "clean", "done")) {
      FiredTransition fired = instance.fire(event);
      seen.add(fired.to() + "/" + fired.targetAfter());
    }

    assertThat(seen)
        .containsExactly(
            "deploying/active",
            "wait call-back/active",
            "deploying/active",
            "active/null",
            "deleting/available",
            "cleaning/available",
            "available/null");
  }

  @Test
  void fire_refusedEvent_throwsNamingStateAndEventAndChangesNothing() {
    MachineInstance instance = PROVISION.newInstance("enroll", null);

    assertThatThrownBy(() -> instance.fire("deploy"))
        .isInstanceOfSatisfying(
            InvalidTransitionException.class,
            e -> {
              assertThat(e.machine()).isEqualTo("provision");
              assertThat(e.state()).isEqualTo("enroll");
              assertThat(e.event()).isEqualTo("deploy");
            })
        .hasMessage(
            "Event \"deploy\" is not allowed in state \"enroll\" of machine \"provision\""
                + " (allowed: manage)");
    assertThat(instance.state()).isEqualTo("enroll");
    assertThat(instance.target()).isNull();
    // The instance is still usable after a refusal.
    assertThat(instance.fire("manage").to()).isEqualTo("verifying");
  }

  @Test
  void fire_manualCleanWithOverride_aimsBackAtManageable() {
    MachineInstance instance = PROVISION.newInstance("manageable", null);

    FiredTransition fired = instance.fire("clean", "manageable");

    assertThat(fired.to()).isEqualTo("cleaning");
    assertThat(fired.targetAfter()).isEqualTo("manageable");
    // Ironic's rule: the next transient state sets its declared target again unless overridden.
    assertThat(instance.fire("wait", "manageable").targetAfter()).isEqualTo("manageable");
    assertThat(instance.fire("resume", "manageable").targetAfter()).isEqualTo("manageable");
    FiredTransition finished = instance.fire("manage");
    assertThat(finished.to()).isEqualTo("manageable");
    assertThat(finished.targetAfter()).as("cleared when reached").isNull();
  }

  @Test
  void fire_overrideNotStable_isRefusedAndChangesNothing() {
    MachineInstance instance = PROVISION.newInstance("manageable", null);

    assertThatThrownBy(() -> instance.fire("clean", "cleaning"))
        .isInstanceOf(InvalidTransitionException.class)
        .hasMessage("Target \"cleaning\" is not a stable state of machine \"provision\"");
    assertThat(instance.state()).isEqualTo("manageable");
  }

  @Test
  void fire_stableStateNotReached_clearsTarget() {
    MachineInstance instance = PROVISION.newInstance("verifying", null);

    FiredTransition fired = instance.fire("fail");

    assertThat(fired.to()).isEqualTo("enroll");
    assertThat(fired.targetBefore()).isEqualTo("manageable");
    assertThat(fired.targetAfter()).as("a stable state aims at nothing").isNull();
    assertThat(instance.target()).isNull();
  }

  @Test
  void fire_failBackToStableState_leavesNoTarget() {
    MachineDefinition door =
        MachineDefinition.builder("door")
            .stableState("open")
            .stableState("closed")
            .transientState("closing", "closed")
            .initialState("open")
            .transition("open", "close", "closing")
            .transition("closing", "done", "closed")
            .transition("closing", "fail", "open")
            .transition("closed", "open", "open")
            .build();
    MachineInstance instance = door.newInstance();

    assertThat(instance.fire("close").targetAfter()).isEqualTo("closed");
    FiredTransition failed = instance.fire("fail");

    assertThat(failed.targetBefore()).isEqualTo("closed");
    assertThat(failed.targetAfter()).isNull();
    assertThat(instance.state()).isEqualTo("open");
    assertThat(instance.target()).isNull();
  }

  @Test
  void fire_overrideIntoStableState_isUnused() {
    MachineInstance instance = PROVISION.newInstance("verifying", null);

    FiredTransition done = instance.fire("done", "available");

    assertThat(done.to()).isEqualTo("manageable");
    assertThat(done.targetAfter()).isNull();
  }

  @Test
  void dryRun_reportsWithoutMoving() {
    MachineInstance instance = PROVISION.newInstance("active", null);

    FiredTransition would = instance.dryRun("rescue");

    assertThat(would.to()).isEqualTo("rescuing");
    assertThat(would.targetAfter()).isEqualTo("rescue");
    assertThat(instance.state()).isEqualTo("active");
    assertThat(instance.canFire("rescue")).isTrue();
    assertThat(instance.canFire("manage")).isFalse();
  }

  @Test
  void newInstance_transientWithoutTarget_usesDeclaredTarget() {
    assertThat(PROVISION.newInstance("clean wait", null).target()).isEqualTo("available");
    assertThat(PROVISION.newInstance("clean wait", "manageable").target()).isEqualTo("manageable");
  }

  @Test
  void newInstance_badValues_areRefusedClearly() {
    assertThatThrownBy(() -> PROVISION.newInstance("flying", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Machine \"provision\" has no state \"flying\"; states: [enroll,");
    assertThatThrownBy(() -> PROVISION.newInstance("cleaning", "deploying"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Machine \"provision\": target \"deploying\" is not a stable state");
  }

  @Test
  void newInstance_targetIsTheStateItself_isRefused() {
    assertThatThrownBy(() -> PROVISION.newInstance("manageable", "manageable"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Machine \"provision\": target \"manageable\" is the state itself");
  }

  @Test
  void newInstance_stableStateWithTarget_isRefused() {
    assertThatThrownBy(() -> PROVISION.newInstance("enroll", "manageable"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Machine \"provision\": stable state \"enroll\" cannot have a target"
                + " (\"manageable\")");
  }

  @Test
  void powerMachine_requestsAndTargets() {
    MachineInstance power = PowerMachine.instance(PowerState.POWER_OFF);

    assertThat(power.allowedEvents()).containsExactly("power on", "power off", "reboot");
    assertThat(power.canFire(PowerRequest.SOFT_POWER_OFF.event())).isFalse();
    FiredTransition reboot = power.fire(PowerRequest.REBOOT.event());
    assertThat(reboot.to()).isEqualTo("rebooting");
    assertThat(reboot.targetAfter()).isEqualTo(PowerRequest.REBOOT.targetPowerState().stateName());
    assertThat(reboot.action().id()).isEqualTo("reboot");
    assertThat(power.fire(PowerMachine.DONE).to()).isEqualTo("power on");
    assertThat(power.fire(PowerRequest.SOFT_POWER_OFF.event()).targetAfter())
        .isEqualTo("power off");
    assertThat(power.fire(PowerMachine.FAIL).to()).isEqualTo("error");
    assertThat(PowerRequest.fromApiTarget("soft rebooting")).contains(PowerRequest.SOFT_REBOOT);
    assertThat(PowerState.fromValue(null)).contains(PowerState.NONE);
  }

  @Test
  void instances_onManyThreads_shareOneDefinitionSafely() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<String>> results = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        results.add(
            pool.submit(
                () -> {
                  MachineInstance instance = PROVISION.newInstance("available", null);
                  for (int round = 0; round < 2_000; round++) {
                    for (String event : List.of("deploy", "done", "delete", "clean", "done")) {
                      instance.fire(event);
                    }
                  }
                  return instance.state();
                }));
      }
      for (Future<String> result : results) {
        assertThat(result.get()).isEqualTo("available");
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
