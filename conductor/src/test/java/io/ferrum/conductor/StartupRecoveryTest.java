package io.ferrum.conductor;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrum.conductor.testing.ConductorEnv;
import io.ferrum.conductor.testing.ConductorTest;
import java.util.Map;

/**
 * A conductor that starts again fails the work its previous run left half done, and only that:
 * Ironic's pain point of nodes stuck in "deploying" forever after a crash.
 */
class StartupRecoveryTest {

  @ConductorTest
  void restart_failsItsStuckNodes_clearsItsPendingPower_leavesOthersAlone(ConductorEnv env) {
    Node deploying = env.nodeIn("available", Map.of());
    Node cleaning = env.nodeIn("manageable", Map.of());
    Node othersDeploy = env.nodeIn("available", Map.of());
    Node waiting = env.nodeIn("available", Map.of());
    Node powering = env.nodeIn("manageable", Map.of());
    // What a crash of conductor "crashed" in the middle of its work leaves in the database.
    crashedIn(env, deploying, "deploying", "active", "crashed");
    crashedIn(env, cleaning, "cleaning", "available", "crashed");
    crashedIn(env, othersDeploy, "deploying", "active", "still-alive");
    crashedIn(env, waiting, "wait call-back", "active", "crashed");
    env.jdbi()
        .useHandle(
            h ->
                h.execute(
                    "UPDATE nodes SET target_power_state = 'power on', conductor_affinity ="
                        + " 'crashed', reservation = 'crashed' WHERE uuid = ?",
                    powering.uuid()));
    // The notifications the crashed process sent before it died.
    env.notifications().clear();
    started(env, deploying, "deploying", "available", "active");
    started(env, cleaning, "cleaning", "manageable", "available");
    emit(env, powering, "power_set.start", Map.of("to_power", "power on"));
    env.expectRepairs();

    Conductor restarted = env.newConductor("crashed", 2);

    Node failedDeploy = restarted.getNode(deploying.uuid());
    assertThat(failedDeploy.provisionState()).isEqualTo("deploy failed");
    assertThat(failedDeploy.lastError())
        .isEqualTo(
            "The deploying state can't be resumed by conductor crashed. Moving to fail state.");
    assertThat(failedDeploy.reservation()).isNull();
    assertThat(restarted.getNode(cleaning.uuid()).provisionState()).isEqualTo("clean failed");
    assertThat(restarted.getNode(othersDeploy.uuid()).provisionState())
        .as("another live conductor's work")
        .isEqualTo("deploying");
    assertThat(restarted.getNode(waiting.uuid()).provisionState())
        .as("wait states time out instead")
        .isEqualTo("wait call-back");
    Node power = restarted.getNode(powering.uuid());
    assertThat(power.targetPowerState()).isNull();
    assertThat(power.lastError())
        .isEqualTo("Pending power operation was aborted due to conductor restart");
    assertThat(restarted.history(powering.uuid()))
        .last()
        .satisfies(
            h -> {
              assertThat(h.eventType()).isEqualTo("power");
              assertThat(h.severity()).isEqualTo("ERROR");
              assertThat(h.message())
                  .isEqualTo("Pending power operation was aborted due to conductor restart");
            });
    assertThat(env.notifications().forNode(powering.uuid()))
        .extracting(Notification::eventType)
        .endsWith("baremetal.node.power_set.error");
    assertThat(restarted.history(deploying.uuid()))
        .last()
        .satisfies(h -> assertThat(h.toState()).isEqualTo("deploy failed"));
    // Put the other conductor's node back to rest so the matrix's invariants hold.
    restore(env, othersDeploy);
    restore(env, waiting);
  }

  @ConductorTest
  void jobs_recordWhichConductorRunsThem(ConductorEnv env) {
    Node node = env.nodeIn("manageable", Map.of());

    assertThat(env.conductor().getNode(node.uuid()).conductorAffinity()).isEqualTo("conductor-1");
  }

  private static void crashedIn(
      ConductorEnv env, Node node, String state, String target, String conductor) {
    env.jdbi()
        .useHandle(
            h ->
                h.execute(
                    "UPDATE nodes SET provision_state = ?, target_provision_state = ?,"
                        + " conductor_affinity = ?, reservation = ? WHERE uuid = ?",
                    state,
                    target,
                    conductor,
                    conductor.equals("crashed") ? conductor : null,
                    node.uuid()));
  }

  private static void started(
      ConductorEnv env, Node node, String state, String previous, String target) {
    emit(
        env,
        node,
        "provision_set.start",
        Map.of(
            "provision_state", state,
            "target_provision_state", target,
            "previous_provision_state", previous));
  }

  private static void emit(ConductorEnv env, Node node, String event, Map<String, Object> extra) {
    Map<String, Object> payload = new java.util.HashMap<>(extra);
    payload.put("uuid", node.uuid());
    env.notifications()
        .emit(
            new Notification(
                "baremetal.node." + event,
                "INFO",
                "ferrum-conductor.crashed",
                java.time.Instant.now(),
                payload));
  }

  private static void restore(ConductorEnv env, Node node) {
    env.jdbi()
        .useHandle(
            h ->
                h.execute(
                    "UPDATE nodes SET provision_state = 'available', target_provision_state ="
                        + " NULL WHERE uuid = ?",
                    node.uuid()));
  }
}
