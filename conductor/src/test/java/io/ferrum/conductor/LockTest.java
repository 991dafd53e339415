package io.ferrum.conductor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferrum.conductor.testing.ConductorEnv;
import io.ferrum.conductor.testing.ConductorTest;
import java.util.Map;

class LockTest {

  @ConductorTest
  void acquire_nodeBusy_throwsNodeLockedNamingHolder(ConductorEnv env) {
    Node node = env.createNode(Map.of());
    Conductor other = env.newConductor("conductor-2", 2);

    try (Task held = env.conductor().tasks().acquire(node.uuid(), "hold", LockMode.EXCLUSIVE)) {
      assertThat(held.node().reservation()).isEqualTo("conductor-1");
      assertThatThrownBy(() -> other.tasks().acquire(node.uuid(), "grab", LockMode.EXCLUSIVE))
          .isInstanceOf(NodeLockedException.class)
          .hasMessage(
              "Node "
                  + node.uuid()
                  + " is locked by host conductor-1, please retry after the current operation is"
                  + " completed.");
      assertThatThrownBy(() -> other.provision(node.uuid(), ProvisionRequest.of("manage")))
          .isInstanceOf(NodeLockedException.class)
          .extracting(e -> ((FerrumException) e).kind())
          .isEqualTo(ErrorKind.CONFLICT);
      try (Task shared = other.tasks().acquire(node.uuid(), "read", LockMode.SHARED)) {
        assertThat(shared.node().uuid()).isEqualTo(node.uuid());
      }
    }
    assertThat(env.conductor().getNode(node.uuid()).reservation()).isNull();
  }

  @ConductorTest
  void upgradeLock_sharedToExclusive_reservesAndReleasesOnClose(ConductorEnv env) {
    Node node = env.createNode(Map.of());

    try (Task task = env.conductor().tasks().acquire(node.uuid(), "sync", LockMode.SHARED)) {
      assertThat(task.mode()).isEqualTo(LockMode.SHARED);
      assertThatThrownBy(() -> task.spawnAfter("manage", null, (t, a) -> {}))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("'sync' needs an exclusive lock on the node");
      task.upgradeLock();
      assertThat(task.mode()).isEqualTo(LockMode.EXCLUSIVE);
      assertThat(task.node().reservation()).isEqualTo("conductor-1");
    }
    assertThat(env.conductor().getNode(node.uuid()).reservation()).isNull();
  }
}
