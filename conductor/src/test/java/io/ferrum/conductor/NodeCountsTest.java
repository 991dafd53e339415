package io.ferrum.conductor;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrum.conductor.internal.NodeStore;
import io.ferrum.conductor.testing.ConductorEnv;
import io.ferrum.conductor.testing.ConductorTest;
import java.util.Map;

/**
 * The node counts a conductor answers from memory match the database's after any mix of changes
 * made through it: creation, every provision verb, failures, power changes, deletion.
 */
class NodeCountsTest {

  @ConductorTest(periodicTasks = false)
  void countsFromMemory_matchACountOfTheDatabase(ConductorEnv env) {
    Conductor conductor = env.conductor();
    Node deployed = env.nodeIn("active", Map.of());
    Node failed = env.nodeIn("available", Map.of("fake_fail", "deploy.deploy"));
    ConductorEnv.failure(conductor.provision(failed.uuid(), ProvisionRequest.of("active")));
    Node powered = env.nodeIn("manageable", Map.of());
    ConductorEnv.finish(conductor.power(powered.uuid(), "power on", null));
    Node gone = env.nodeIn("manageable", Map.of());
    conductor.deleteNode(gone.uuid());
    env.createNode(Map.of());

    for (String column : new String[] {"provision_state", "power_state"}) {
      Map<String, Long> counted = env.jdbi().withHandle(h -> NodeStore.countBy(h, column));
      assertThat(conductor.countNodesBy(column)).as(column).isEqualTo(counted);
    }
    assertThat(conductor.countNodesBy("provision_state"))
        .containsEntry("active", 1L)
        .containsEntry("deploy failed", 1L)
        .containsEntry("enroll", 1L);
    assertThat(deployed.provisionState()).isEqualTo("active");
  }
}
