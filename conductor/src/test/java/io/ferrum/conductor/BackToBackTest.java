package io.ferrum.conductor;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrum.conductor.testing.ConductorEnv;
import io.ferrum.conductor.testing.ConductorTest;
import java.util.Map;

/**
 * A client that starts its next request as soon as the last one finished is never turned away: not
 * for want of the worker that just ran its job, not for the node's lock.
 */
class BackToBackTest {

  // Periodic tasks off: they lock nodes now and then, and this test allows no lock wait at all.
  @ConductorTest(periodicTasks = false)
  void lifecyclesOnOneWorker_noRefusals_noLockWaits(ConductorEnv env) {
    // No lock wait at all: a request that found the node still locked would fail at once.
    Conductor single =
        env.newConductor(
            "single",
            1,
            b -> ConductorEnv.withoutPeriodicTasks(b).lockWait(java.time.Duration.ZERO));
    Node node =
        single.createNode(NodeSpec.of("fake-hardware", Map.of()).withInitialState("available"));

    for (int i = 0; i < 50; i++) {
      assertThat(run(single, node, "active")).isEqualTo("active");
      assertThat(run(single, node, "deleted")).isEqualTo("available");
    }
  }

  private static String run(Conductor conductor, Node node, String verb) {
    return ConductorEnv.finish(conductor.provision(node.uuid(), ProvisionRequest.of(verb)))
        .provisionState();
  }
}
