package io.ferrum.conductor;

import static io.ferrum.conductor.testing.ConductorEnv.failure;
import static io.ferrum.conductor.testing.ConductorEnv.finish;
import static org.assertj.core.api.Assertions.assertThat;

import io.ferrum.conductor.testing.ConductorEnv;
import io.ferrum.conductor.testing.ConductorTest;
import io.ferrum.driver.DriverException;
import java.util.List;
import java.util.Map;

/**
 * Seeds 000 and 001: errors raised inside workers are handled inside workers — failure state,
 * last_error, fault record, error notification, lock released — for any Throwable, on both pools.
 */
class WorkerErrorHandlingTest {

  @ConductorTest
  void deployFails_withDriverException_handledCompletely(ConductorEnv env) {
    Node node = env.nodeIn("available", Map.of("fake_fail", "deploy.deploy"));

    ActionHandle deploy = env.conductor().provision(node.uuid(), ProvisionRequest.of("deploy"));

    assertThat(deploy.applied().provisionState()).isEqualTo("deploying");
    Throwable failure = failure(deploy);
    assertThat(failure).isInstanceOf(DriverException.class);
    assertFailedCompletely(env, node.uuid(), "deploy failed", "active", DriverException.class);
  }

  @ConductorTest
  void deployFails_withRuntimeException_handledCompletely(ConductorEnv env) {
    Node node =
        env.nodeIn("available", Map.of("fake_fail", "deploy.deploy", "fake_fail_with", "runtime"));

    Throwable failure =
        failure(env.conductor().provision(node.uuid(), ProvisionRequest.of("deploy")));

    assertThat(failure).isInstanceOf(IllegalStateException.class);
    assertFailedCompletely(
        env, node.uuid(), "deploy failed", "active", IllegalStateException.class);
  }

  @ConductorTest
  void deployFails_withError_stillHandledCompletely(ConductorEnv env) {
    Node node =
        env.nodeIn("available", Map.of("fake_fail", "boot.prepare", "fake_fail_with", "error"));

    Throwable failure =
        failure(env.conductor().provision(node.uuid(), ProvisionRequest.of("deploy")));

    assertThat(failure).isInstanceOf(AssertionError.class);
    assertFailedCompletely(env, node.uuid(), "deploy failed", "active", AssertionError.class);
  }

  @ConductorTest
  void verifyFails_goesBackToEnroll(ConductorEnv env) {
    Node node = env.createNode(Map.of("fake_fail", "power.get"));

    failure(env.conductor().provision(node.uuid(), ProvisionRequest.of("manage")));

    Node after = env.conductor().getNode(node.uuid());
    assertThat(after.provisionState()).isEqualTo("enroll");
    assertThat(after.targetProvisionState()).isNull();
    assertThat(after.lastError()).startsWith("provision manage failed: fake power.get failed");
  }

  @ConductorTest
  void tearDownFails_goesToError(ConductorEnv env) {
    Node node = env.nodeIn("active", Map.of());
    env.conductor()
        .updateNode(
            node.uuid(), List.of(PatchOperation.add("/driver_info/fake_fail", "deploy.tear_down")));

    failure(env.conductor().provision(node.uuid(), ProvisionRequest.of("undeploy")));

    Node after = env.conductor().getNode(node.uuid());
    assertThat(after.provisionState()).isEqualTo("error");
    assertThat(after.lastError()).contains("fake deploy.tear_down failed");
  }

  @ConductorTest
  void eachFlowFailure_takesItsFailEdge(ConductorEnv env) {
    record Case(String start, String verb, String call, String failedState) {}
    List<Case> cases =
        List.of(
            new Case("manageable", "provide", "clean.clean", "clean failed"),
            new Case("manageable", "inspect", "inspect.inspect", "inspect failed"),
            new Case("manageable", "adopt", "deploy.take_over", "adopt failed"),
            new Case("active", "rescue", "rescue.rescue", "rescue failed"));
    for (Case c : cases) {
      Node node = env.nodeIn(c.start(), Map.of());
      env.conductor()
          .updateNode(node.uuid(), List.of(PatchOperation.add("/driver_info/fake_fail", c.call())));
      ProvisionRequest request =
          c.verb().equals("rescue")
              ? new ProvisionRequest("rescue", null, null, "pw")
              : ProvisionRequest.of(c.verb());

      failure(env.conductor().provision(node.uuid(), request));

      Node after = env.conductor().getNode(node.uuid());
      assertThat(after.provisionState()).as(c.toString()).isEqualTo(c.failedState());
      assertThat(after.lastError()).as(c.toString()).contains("fake " + c.call() + " failed");
      assertThat(after.reservation()).isNull();
    }
  }

  @ConductorTest
  void failNTimesThenSucceed_recoversThroughTheMachine(ConductorEnv env) {
    Node node =
        env.nodeIn("manageable", Map.of("fake_fail", "clean.clean", "fake_fail_times", "1"));

    failure(env.conductor().provision(node.uuid(), ProvisionRequest.of("provide")));
    assertThat(env.conductor().getNode(node.uuid()).provisionState()).isEqualTo("clean failed");
    finish(env.conductor().provision(node.uuid(), ProvisionRequest.of("manage")));
    Node available = finish(env.conductor().provision(node.uuid(), ProvisionRequest.of("provide")));

    assertThat(available.provisionState()).isEqualTo("available");
    assertThat(available.lastError()).as("a new action clears last_error").isNull();
  }

  @ConductorTest
  void workThatFailsItself_isNotHandledTwice(ConductorEnv env) {
    Node node = env.nodeIn("available", Map.of());

    try (Task task = env.conductor().tasks().acquire(node.uuid(), "custom", LockMode.EXCLUSIVE)) {
      task.spawnAfter(
          "deploy",
          null,
          (t, applied) -> {
            t.fail("custom deploy gave up");
            throw new IllegalStateException("and then threw");
          });
      failure(task.handOff());
    }

    Node after = env.conductor().getNode(node.uuid());
    assertThat(after.provisionState()).isEqualTo("deploy failed");
    assertThat(after.lastError()).isEqualTo("custom deploy gave up");
    assertThat(env.conductor().history(node.uuid()))
        .filteredOn(h -> "ERROR".equals(h.severity()))
        .hasSize(1);
  }

  private static void assertFailedCompletely(
      ConductorEnv env, String uuid, String state, String target, Class<?> exception) {
    Node after = env.conductor().getNode(uuid);
    assertThat(after.provisionState()).isEqualTo(state);
    assertThat(after.targetProvisionState()).isEqualTo(target);
    assertThat(after.reservation()).as("lock released").isNull();
    assertThat(after.lastError()).startsWith("provision deploy failed: ");
    HistoryEvent fault =
        env.conductor().history(uuid).get(env.conductor().history(uuid).size() - 1);
    assertThat(fault.eventType()).isEqualTo("fault");
    assertThat(fault.severity()).isEqualTo("ERROR");
    assertThat(fault.event()).isEqualTo("fail");
    assertThat(fault.exceptionClass()).isEqualTo(exception.getName());
    assertThat(fault.message()).isEqualTo(after.lastError());
    List<Notification> notifications = env.notifications().forNode(uuid);
    Notification last = notifications.get(notifications.size() - 1);
    assertThat(last.eventType()).isEqualTo("baremetal.node.provision_set.error");
    assertThat(last.priority()).isEqualTo("ERROR");
    assertThat(last.payload())
        .containsEntry("event", "fail")
        .containsEntry("last_error", after.lastError());
    assertThat(notifications)
        .extracting(Notification::status)
        .containsSubsequence("start", "error");
  }
}
