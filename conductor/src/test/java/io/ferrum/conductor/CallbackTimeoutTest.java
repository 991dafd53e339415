package io.ferrum.conductor;

import static io.ferrum.conductor.testing.ConductorEnv.finish;
import static org.assertj.core.api.Assertions.assertThat;

import io.ferrum.conductor.testing.ConductorEnv;
import io.ferrum.conductor.testing.ConductorTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Durable timeouts of callback waits: stored deadlines, fired by any live conductor. */
class CallbackTimeoutTest {

  @ConductorTest(periodicTasks = false)
  void expiredWait_takesTheFailEdge_evenOnAnotherConductorAfterARestart(ConductorEnv env)
      throws Exception {
    Conductor first = env.newConductor("first", 2, b -> b.callbackTimeout(Duration.ofMillis(50)));
    Node node = env.nodeIn("available", Map.of("fake_wait", "deploy.deploy"));
    Node waiting = finish(first.provision(node.uuid(), ProvisionRequest.of("deploy")));
    assertThat(waiting.provisionState()).isEqualTo("wait call-back");
    first.close(); // the conductor that started the wait is gone

    Conductor other = env.newConductor("other", 2);
    Thread.sleep(100);
    int timedOut = other.checkTimeouts();

    assertThat(timedOut).isEqualTo(1);
    Node failed = other.getNode(node.uuid());
    assertThat(failed.provisionState()).isEqualTo("deploy failed");
    assertThat(failed.lastError())
        .isEqualTo(
            "Timeout reached while waiting for callback for node "
                + node.uuid()
                + " in state \"wait call-back\"");
    assertThat(failed.reservation()).isNull();
    assertThat(other.checkTimeouts()).as("handled once").isZero();
  }

  @ConductorTest(periodicTasks = false)
  void callbackInTime_clearsTheDeadline(ConductorEnv env) throws Exception {
    Conductor conductor =
        env.newConductor("quick", 2, b -> b.callbackTimeout(Duration.ofMillis(200)));
    Node node = env.nodeIn("manageable", Map.of("fake_wait", "clean.clean"));
    finish(conductor.provision(node.uuid(), ProvisionRequest.of("provide")));
    Node done = finish(conductor.continueNode(node.uuid()));
    Thread.sleep(250);

    assertThat(conductor.checkTimeouts()).isZero();
    assertThat(done.provisionState()).isEqualTo("available");
    assertThat(conductor.getNode(node.uuid()).provisionState()).isEqualTo("available");
  }

  @ConductorTest(periodicTasks = false)
  void maintenance_holdsTheTimeout(ConductorEnv env) throws Exception {
    Conductor conductor =
        env.newConductor("holder", 2, b -> b.callbackTimeout(Duration.ofMillis(10)));
    Node node = env.nodeIn("manageable", Map.of("fake_wait", "inspect.inspect"));
    finish(conductor.provision(node.uuid(), ProvisionRequest.of("inspect")));
    conductor.updateNode(node.uuid(), List.of(PatchOperation.replace("/maintenance", true)));
    Thread.sleep(50);

    assertThat(conductor.checkTimeouts()).isZero();
    assertThat(conductor.getNode(node.uuid()).provisionState()).isEqualTo("inspect wait");
    conductor.updateNode(node.uuid(), List.of(PatchOperation.replace("/maintenance", false)));
    assertThat(conductor.checkTimeouts()).isEqualTo(1);
    assertThat(conductor.getNode(node.uuid()).provisionState()).isEqualTo("inspect failed");
  }
}
