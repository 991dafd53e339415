package io.ferrum.conductor;

import static io.ferrum.conductor.testing.ConductorEnv.finish;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferrum.conductor.testing.ConductorEnv;
import io.ferrum.conductor.testing.ConductorTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Seed 004: a node's provision state does not change until its worker thread has started; a full
 * pool changes nothing.
 */
class SpawnAfterTest {

  @ConductorTest
  void fullPool_refusesWithNoFreeWorker_nodeUntouchedAndUnlocked(ConductorEnv env)
      throws Exception {
    Conductor small = env.newConductor("small", 1);
    Node busy =
        env.nodeIn("available", Map.of("fake_hang", "deploy.deploy", "fake_hang_ms", "1500"));
    Node idle = env.nodeIn("manageable", Map.of());
    CompletableFuture<ActionHandle> hanging =
        CompletableFuture.supplyAsync(
            () -> small.provision(busy.uuid(), ProvisionRequest.of("deploy")),
            ConcurrentTests.OWN_THREAD);
    awaitState(small, busy.uuid(), "deploying");
    int notificationsBefore = env.notifications().forNode(idle.uuid()).size();

    assertThatThrownBy(() -> small.provision(idle.uuid(), ProvisionRequest.of("provide")))
        .isInstanceOf(NoFreeWorkerException.class)
        .hasMessageContaining("No free conductor worker");

    Node after = small.getNode(idle.uuid());
    assertThat(after.provisionState()).isEqualTo("manageable");
    assertThat(after.targetProvisionState()).isNull();
    assertThat(after.reservation()).isNull();
    assertThat(after.version()).isEqualTo(idle.version());
    assertThat(env.notifications().forNode(idle.uuid())).hasSize(notificationsBefore);
    assertThat(small.history(idle.uuid())).hasSize(2);
    // The hung deploy times out and takes the fail edge; the pool is usable again.
    Throwable failure = ConductorEnv.failure(hanging.get());
    assertThat(failure).hasMessageContaining("hung for 1500 ms");
    assertThat(small.getNode(busy.uuid()).provisionState()).isEqualTo("deploy failed");
    // The worker is free again as soon as the failed job's future completed: no wait needed.
    assertThat(
            finish(small.provision(idle.uuid(), ProvisionRequest.of("provide"))).provisionState())
        .isEqualTo("available");
  }

  /** A pool that accepts every job and runs none of them until told to. */
  private static final class StalledPool implements WorkerPool {
    final List<Runnable> accepted = new CopyOnWriteArrayList<>();
    final boolean completeWithoutRunning;

    StalledPool(boolean completeWithoutRunning) {
      this.completeWithoutRunning = completeWithoutRunning;
    }

    @Override
    public CompletableFuture<Void> submit(Runnable job) {
      accepted.add(job);
      return completeWithoutRunning
          ? CompletableFuture.completedFuture(null)
          : new CompletableFuture<>();
    }

    @Override
    public int active() {
      return 0;
    }

    @Override
    public int capacity() {
      return 1;
    }

    @Override
    public boolean shutdown(Duration deadline) {
      return true;
    }
  }

  @ConductorTest
  void poolThatNeverStartsTheJob_requestGivesUp_nodeUntouchedAndUnlocked_lateRunDoesNothing(
      ConductorEnv env) {
    StalledPool stalled = new StalledPool(false);
    Conductor conductor =
        env.newConductor(
            "stalled",
            1,
            b ->
                b.workerPool(stalled)
                    .workerStartWait(Duration.ofMillis(300))
                    .lockWait(Duration.ZERO));
    Node node = env.nodeIn("manageable", Map.of());
    int notificationsBefore = env.notifications().forNode(node.uuid()).size();

    assertThatThrownBy(() -> conductor.provision(node.uuid(), ProvisionRequest.of("provide")))
        .isInstanceOf(NoFreeWorkerException.class)
        .hasMessageContaining("No conductor worker started the job")
        .hasMessageContaining("the node was not changed");

    Node after = conductor.getNode(node.uuid());
    assertThat(after.provisionState()).isEqualTo("manageable");
    assertThat(after.reservation()).isNull();
    assertThat(after.version()).isEqualTo(node.version());
    // A worker that picks the job up after the request gave up finds it taken back.
    assertThat(stalled.accepted).hasSize(1);
    stalled.accepted.get(0).run();
    Node late = conductor.getNode(node.uuid());
    assertThat(late.provisionState()).isEqualTo("manageable");
    assertThat(late.reservation()).isNull();
    assertThat(late.version()).isEqualTo(node.version());
    assertThat(env.notifications().forNode(node.uuid())).hasSize(notificationsBefore);
  }

  @ConductorTest
  void poolThatCompletesWithoutRunning_requestFailsAtOnce_nodeUntouchedAndUnlocked(
      ConductorEnv env) {
    StalledPool lossy = new StalledPool(true);
    // The start wait is long: the request must not need it to learn that the job is gone.
    Conductor conductor =
        env.newConductor(
            "lossy",
            1,
            b ->
                b.workerPool(lossy)
                    .workerStartWait(Duration.ofMinutes(10))
                    .lockWait(Duration.ZERO));
    Node node = env.nodeIn("manageable", Map.of());

    assertThatThrownBy(() -> conductor.power(node.uuid(), "power on", null))
        .isInstanceOf(NoFreeWorkerException.class)
        .hasMessageContaining("ended the job")
        .hasMessageContaining("without running it");

    Node after = conductor.getNode(node.uuid());
    assertThat(after.powerState()).isEqualTo(node.powerState());
    assertThat(after.reservation()).isNull();
    assertThat(after.version()).isEqualTo(node.version());
  }

  @ConductorTest
  void invalidEvent_refusedAtOnce_nothingChanges(ConductorEnv env) {
    Node node = env.createNode(Map.of());

    assertThatThrownBy(() -> env.conductor().provision(node.uuid(), ProvisionRequest.of("deploy")))
        .isInstanceOf(InvalidStateRequestedException.class)
        .hasMessage(
            "The requested action \"deploy\" can not be performed on node \""
                + node.uuid()
                + "\" while it is in state \"enroll\".")
        .extracting(e -> ((FerrumException) e).kind())
        .isEqualTo(ErrorKind.INVALID);
    Node after = env.conductor().getNode(node.uuid());
    assertThat(after.version()).isEqualTo(node.version());
    assertThat(after.reservation()).isNull();
    assertThat(env.conductor().history(node.uuid())).isEmpty();
  }

  @ConductorTest
  void unknownVerb_isInvalidParameter_namingValidVerbs(ConductorEnv env) {
    Node node = env.createNode(Map.of());

    assertThatThrownBy(() -> env.conductor().provision(node.uuid(), ProvisionRequest.of("fly")))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessageStartingWith("Unknown provision verb \"fly\"; valid verbs: active, deploy,");
  }

  @ConductorTest
  void applied_isCommittedBeforeTheRequestReturns(ConductorEnv env) {
    Node node =
        env.nodeIn(
            "available",
            Map.of("fake_delay_ms", env.pool() == ConductorEnv.Pool.REAL ? "300" : "0"));

    ActionHandle deploy = env.conductor().provision(node.uuid(), ProvisionRequest.of("deploy"));
    Node read = env.conductor().getNode(node.uuid());

    // Whatever the pool, a client reading right after the request sees the transient state.
    assertThat(read.provisionState()).isIn("deploying", "active");
    if (read.provisionState().equals("deploying")) {
      assertThat(read.targetProvisionState()).isEqualTo("active");
    }
    assertThat(deploy.applied().provisionState()).isEqualTo("deploying");
    assertThat(deploy.applied().provisionUpdatedAt()).isAfterOrEqualTo(node.provisionUpdatedAt());
    finish(deploy);
  }

  @ConductorTest
  void databaseDownAtPostProcess_requestFails_stateUnchanged_recoveryReleasesLock(
      ConductorEnv env) {
    env.expectRepairs();
    Node node = env.createNode(Map.of());
    Conductor conductor = env.conductor();

    try (Task task = conductor.tasks().acquire(node.uuid(), "manage", LockMode.EXCLUSIVE)) {
      task.spawnAfter("manage", null, ProvisionFlows.work(ProvisionRequest.of("manage")));
      env.database(false);
      assertThatThrownBy(task::handOff)
          .isInstanceOf(DatabaseException.class)
          .hasMessageContaining("apply \"manage\"");
    } finally {
      env.database(true);
    }

    // The release failed too (database down); the live conductor's recovery gives it back.
    ConductorEnv.await(
        "reservation released by recovery",
        () -> conductor.getNode(node.uuid()).reservation() == null);
    Node after = conductor.getNode(node.uuid());
    assertThat(after.provisionState()).isEqualTo("enroll");
    assertThat(after.lastError()).isNull();
    assertThat(env.notifications().forNode(node.uuid()))
        .extracting(Notification::eventType)
        .containsExactly("baremetal.node.create.end");
    assertThat(conductor.nodesRepaired()).isEqualTo(1);
  }

  private static void awaitState(Conductor conductor, String uuid, String state)
      throws InterruptedException {
    for (int i = 0; i < 2000; i++) {
      if (conductor.getNode(uuid).provisionState().equals(state)) {
        return;
      }
      Thread.sleep(5);
    }
    throw new AssertionError("node never reached " + state);
  }
}
