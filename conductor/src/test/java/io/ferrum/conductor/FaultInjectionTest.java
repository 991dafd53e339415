package io.ferrum.conductor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferrum.conductor.testing.ConductorEnv;
import io.ferrum.conductor.testing.ConductorTest;
import io.ferrum.faults.FaultyDataSource;
import io.ferrum.faults.FaultyDataSource.When;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * Database faults at each step of a job: before and after post-process-event, in the work, in the
 * failure handling, in the release. Afterwards, within a recovery interval of the database
 * answering again, every node is unlocked and resting in a stable or failure state, with its story
 * told by history and notifications (the matrix checks that after each test).
 */
class FaultInjectionTest {

  /** The post-process-event write: the only one that records the conductor's affinity. */
  private static final Predicate<String> POST_PROCESS =
      sql -> sql.startsWith("UPDATE nodes SET") && sql.contains("conductor_affinity = ?");

  @ConductorTest
  void postProcessFails_requestFails_nodeUntouched(ConductorEnv env) {
    Node node = env.nodeIn("available", Map.of());
    FaultyDataSource db = env.database(true);
    db.fail(POST_PROCESS, When.BEFORE, 1);

    assertThatThrownBy(() -> env.conductor().provision(node.uuid(), ProvisionRequest.of("active")))
        .isInstanceOf(DatabaseException.class)
        .hasMessageContaining("apply \"deploy\"")
        .hasMessageNotContaining("injected"); // the driver's own words stay in the log

    Node after = env.conductor().getNode(node.uuid());
    assertThat(after.provisionState()).isEqualTo("available");
    assertThat(after.reservation()).isNull();
    assertThat(after.lastError()).isNull();
  }

  @ConductorTest
  void postProcessCommitLandsButReportsFailure_workRunsAsIfNothingHappened(ConductorEnv env) {
    Node node = env.nodeIn("available", Map.of());
    env.database(true).fail(POST_PROCESS, When.AFTER_COMMIT, 1);

    ActionHandle deploy = env.conductor().provision(node.uuid(), ProvisionRequest.of("active"));

    assertThat(deploy.applied().provisionState()).isEqualTo("deploying");
    assertThat(ConductorEnv.finish(deploy).provisionState()).isEqualTo("active");
    assertThat(env.database(true).injected()).isEqualTo(1);
  }

  @ConductorTest
  void postProcessOutcomeUnknown_requestFails_recoveryAnnouncesAndFailsTheStart(ConductorEnv env) {
    env.expectRepairs();
    Node node = env.nodeIn("available", Map.of());
    FaultyDataSource db = env.database(true);
    db.failAndGoDown(POST_PROCESS, When.AFTER_COMMIT);

    assertThatThrownBy(() -> env.conductor().provision(node.uuid(), ProvisionRequest.of("active")))
        .isInstanceOf(DatabaseException.class);
    db.setDown(false);

    Node after = awaitResting(env, node);
    assertThat(after.provisionState()).isEqualTo("deploy failed");
    assertThat(after.lastError()).contains("could not start");
    assertThat(statuses(env, node)).containsSubsequence("start", "error");
  }

  /** The deploy's last write: it moves the node to active and gives the reservation back. */
  private static final Predicate<String> LAST_WRITE =
      sql ->
          sql.startsWith("UPDATE nodes SET")
              && sql.contains("reservation = NULL")
              && !sql.contains("conductor_affinity = ?");

  @ConductorTest
  void lastCommitOutcomeUnknown_databaseBackSoon_theJobReadsItBack_andAnnouncesTheEnd(
      ConductorEnv env) {
    Node node = env.nodeIn("available", Map.of());
    FaultyDataSource db = env.database(true);
    db.failAndGoDown(LAST_WRITE, When.AFTER_COMMIT);
    CompletableFuture<Void> restart =
        CompletableFuture.runAsync(
            () -> {
              while (!db.allStruck()) {
                sleep(5);
              }
              sleep(200); // a database restart well within the job's unknown-outcome wait
              db.setDown(false);
            },
            ConcurrentTests.OWN_THREAD);

    Node done =
        ConductorEnv.finish(env.conductor().provision(node.uuid(), ProvisionRequest.of("active")));
    restart.join();

    assertThat(done.provisionState()).isEqualTo("active");
    assertThat(env.conductor().getNode(node.uuid()).reservation()).isNull();
    assertThat(statuses(env, node)).endsWith("start", "end");
  }

  @ConductorTest
  void lastCommitOutcomeUnknown_databaseDownLonger_recoveryAnnouncesTheEndOnceItAnswers(
      ConductorEnv env) {
    env.expectRepairs();
    Node node = env.nodeIn("available", Map.of());
    FaultyDataSource db = env.database(true);
    db.failAndGoDown(LAST_WRITE, When.AFTER_COMMIT);

    Throwable failure =
        ConductorEnv.failure(env.conductor().provision(node.uuid(), ProvisionRequest.of("active")));
    assertThat(failure).isInstanceOf(DatabaseException.class);
    db.setDown(false);

    ConductorEnv.await(
        "the end of the deploy announced",
        () -> {
          // One read: a notification landing between two reads would move the last index.
          List<String> statuses = statuses(env, node);
          return !statuses.isEmpty() && statuses.get(statuses.size() - 1).equals("end");
        });
    Node after = env.conductor().getNode(node.uuid());
    assertThat(after.provisionState()).isEqualTo("active");
    assertThat(after.reservation()).isNull();
    assertThat(statuses(env, node)).endsWith("start", "end").doesNotContain("error");
  }

  @ConductorTest
  void databaseDownWhileWorkRuns_recoveryFailsTheNodeOnceItAnswers(ConductorEnv env) {
    env.expectRepairs();
    Node node = env.nodeIn("available", Map.of("fake_delay_ms", "200"));
    FaultyDataSource db = env.database(true);
    // Down while the deploy runs, up again a while later; the request itself was accepted.
    CompletableFuture<Void> outage =
        CompletableFuture.runAsync(
            () -> {
              sleep(100);
              db.setDown(true);
              sleep(1500);
              db.setDown(false);
            },
            ConcurrentTests.OWN_THREAD);
    CompletableFuture<Throwable> result =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return ConductorEnv.failure(
                    env.conductor().provision(node.uuid(), ProvisionRequest.of("active")));
              } catch (RuntimeException e) {
                return e;
              }
            },
            ConcurrentTests.OWN_THREAD);
    outage.join();
    result.join();

    Node after = awaitResting(env, node);
    assertThat(after.provisionState()).isEqualTo("deploy failed");
    assertThat(after.lastError()).contains("Database failure");
    assertThat(env.conductor().history(node.uuid()))
        .last()
        .satisfies(
            row -> {
              assertThat(row.toState()).isEqualTo("deploy failed");
              assertThat(row.severity()).isEqualTo("ERROR");
            });
    assertThat(statuses(env, node)).endsWith("error");
  }

  @ConductorTest
  void failWriteFails_failureIsNotMarkedHandled_jobRecordsItOnItsOwnTerms(ConductorEnv env) {
    Node node = env.nodeIn("available", Map.of());
    FaultyDataSource db = env.database(true);
    ActionHandle handle;
    try (Task task = env.conductor().tasks().acquire(node.uuid(), "custom", LockMode.EXCLUSIVE)) {
      task.spawnAfter(
          "deploy",
          null,
          (t, applied) -> {
            db.fail(
                sql -> sql.startsWith("UPDATE nodes SET") && sql.contains("last_error = ?"),
                When.BEFORE,
                1);
            t.fail("the custom work found the disk missing");
          });
      handle = task.handOff();
    }

    assertThat(ConductorEnv.failure(handle)).isInstanceOf(DatabaseException.class);
    Node after = env.conductor().getNode(node.uuid());
    assertThat(after.provisionState()).isEqualTo("deploy failed");
    assertThat(after.lastError()).isEqualTo("the custom work found the disk missing");
    assertThat(after.reservation()).isNull();
    assertThat(statuses(env, node)).endsWith("error");
  }

  @ConductorTest
  void driverFailsAndItsFailureWriteFails_recoveryRecordsTheDriversReason(ConductorEnv env) {
    env.expectRepairs();
    Node node = env.nodeIn("available", Map.of("fake_fail", "deploy.deploy"));
    FaultyDataSource db = env.database(true);
    // The database dies just as the job records the driver's failure.
    db.failAndGoDown(
        sql ->
            sql.startsWith("UPDATE nodes SET")
                && sql.contains("last_error = ?")
                && !sql.contains("conductor_affinity = ?"),
        When.BEFORE);
    Throwable failure;
    try {
      failure =
          ConductorEnv.failure(
              env.conductor().provision(node.uuid(), ProvisionRequest.of("active")));
    } finally {
      db.setDown(false);
    }
    assertThat(failure).hasMessageContaining("fake deploy.deploy failed");

    Node after = awaitResting(env, node);
    assertThat(after.provisionState()).isEqualTo("deploy failed");
    assertThat(after.lastError()).contains("fake deploy.deploy failed");
    assertThat(env.conductor().history(node.uuid()))
        .last()
        .satisfies(
            row -> {
              assertThat(row.toState()).isEqualTo("deploy failed");
              assertThat(row.message()).contains("fake deploy.deploy failed");
            });
    assertThat(statuses(env, node)).endsWith("error");
  }

  @ConductorTest
  void powerFailsAndItsFailureWriteFailsOnce_nodeKeptForRecovery_errorBeforeTheNextStart(
      ConductorEnv env) {
    env.expectRepairs();
    Node node = env.nodeIn("manageable", Map.of("fake_fail", "power.set", "fake_fail_times", "1"));
    // One statement fails, the one recording the driver's failure; the database answers again at
    // once, so releasing the node would succeed and hand it to the next request with its failed
    // change neither ended nor recorded.
    env.database(true)
        .fail(
            sql ->
                sql.startsWith("UPDATE nodes SET")
                    && sql.contains("last_error = ?")
                    && !sql.contains("conductor_affinity = ?"),
            When.BEFORE,
            1);

    Throwable failure = ConductorEnv.failure(env.conductor().power(node.uuid(), "power on", null));
    assertThat(failure).hasMessageContaining("fake power.set failed");

    // At once the next change: it must not start before the failed one has ended. It waits for the
    // node, or is refused while recovery holds it.
    ConductorEnv.await(
        "the next power change is accepted",
        () -> {
          try {
            ConductorEnv.finish(env.conductor().power(node.uuid(), "power on", null));
            return true;
          } catch (NodeLockedException locked) {
            return false;
          }
        });
    assertThat(env.conductor().getNode(node.uuid()).powerState()).isEqualTo("power on");
    assertThat(env.conductor().history(node.uuid()))
        .anySatisfy(row -> assertThat(row.message()).contains("fake power.set failed"));
    assertThat(powerStatuses(env, node)).containsExactly("start", "error", "start", "end");
  }

  @ConductorTest
  void releaseFails_liveRecoveryGivesTheReservationBack(ConductorEnv env) {
    env.expectRepairs();
    Node node = env.nodeIn("manageable", Map.of());
    env.database(true).fail("UPDATE nodes SET reservation = NULL", When.BEFORE, 1);

    try (Task task = env.conductor().tasks().acquire(node.uuid(), "look", LockMode.EXCLUSIVE)) {
      assertThat(task.holdsLock()).isTrue();
    }
    assertThat(env.conductor().getNode(node.uuid()).reservation()).isEqualTo("conductor-1");

    ConductorEnv.await(
        "recovery releases the node",
        () -> env.conductor().getNode(node.uuid()).reservation() == null);
    Node after = env.conductor().getNode(node.uuid());
    assertThat(after.provisionState()).isEqualTo("manageable");
    assertThat(after.lastError()).isNull();
  }

  // Periodic tasks off: they lock nodes now and then, and this test allows no lock wait at all.
  @ConductorTest(periodicTasks = false)
  void finalStateVisible_lockAlreadyReleased_nextRequestNeedsNoWait(ConductorEnv env) {
    Conductor eager =
        env.newConductor(
            "eager", 4, b -> ConductorEnv.withoutPeriodicTasks(b).lockWait(Duration.ZERO));
    Node node =
        eager.createNode(NodeSpec.of("fake-hardware", Map.of()).withInitialState("available"));
    // A slow standalone release would leave a window where the node shows its final state but is
    // still locked; the job's last write must release it in the same transaction instead.
    env.database(true).delay("UPDATE nodes SET reservation = NULL", 300, Integer.MAX_VALUE);

    eager.provision(node.uuid(), ProvisionRequest.of("active"));
    ConductorEnv.await(
        "node active", () -> eager.getNode(node.uuid()).provisionState().equals("active"));

    ActionHandle undeploy = eager.provision(node.uuid(), ProvisionRequest.of("deleted"));
    assertThat(ConductorEnv.finish(undeploy).provisionState()).isEqualTo("available");
    env.database(true).clearFaults();
  }

  @ConductorTest
  void poolThrowsAnError_handOffLeaksNothing(ConductorEnv env) {
    WorkerPool broken =
        new WorkerPool() {
          @Override
          public CompletableFuture<Void> submit(Runnable job) {
            throw new AssertionError("the pool is broken");
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
        };
    Conductor conductor = env.newConductor("broken", 1, b -> b.workerPool(broken));
    Node node = env.nodeIn("available", Map.of());

    assertThatThrownBy(() -> conductor.provision(node.uuid(), ProvisionRequest.of("active")))
        .isInstanceOf(AssertionError.class);

    Node after = conductor.getNode(node.uuid());
    assertThat(after.reservation()).isNull();
    assertThat(after.provisionState()).isEqualTo("available");
  }

  private static Node awaitResting(ConductorEnv env, Node node) {
    ConductorEnv.await(
        "node " + node.uuid() + " unlocked and resting",
        () -> {
          Node now = env.conductor().getNode(node.uuid());
          return now.reservation() == null && !Task.isWorking(now.provisionState());
        });
    return env.conductor().getNode(node.uuid());
  }

  private static List<String> powerStatuses(ConductorEnv env, Node node) {
    return env.notifications().forNode(node.uuid()).stream()
        .filter(n -> n.eventType().startsWith("baremetal.node.power_set."))
        .map(Notification::status)
        .toList();
  }

  private static List<String> statuses(ConductorEnv env, Node node) {
    return env.notifications().forNode(node.uuid()).stream()
        .filter(n -> n.eventType().startsWith("baremetal.node.provision_set."))
        .map(Notification::status)
        .toList();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
