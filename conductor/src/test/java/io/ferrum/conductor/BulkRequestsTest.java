package io.ferrum.conductor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferrum.conductor.BulkNodeResult.Outcome;
import io.ferrum.conductor.internal.BulkStore;
import io.ferrum.conductor.testing.ConductorEnv;
import io.ferrum.conductor.testing.ConductorTest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Many at once: one request id for many nodes, every node's result or error reported, none lost.
 */
class BulkRequestsTest {

  @ConductorTest
  void submit_someNodesFail_everyNodeGetsItsOwnResult(ConductorEnv env) {
    Conductor conductor = env.conductor();
    Node ok1 = env.nodeIn("available", Map.of());
    Node ok2 = env.nodeIn("available", Map.of());
    Node enrolled = env.createNode(Map.of());
    Node failing = env.nodeIn("available", Map.of("fake_fail", "deploy.deploy"));
    Node busy = env.nodeIn("available", Map.of());
    BulkRequest taken;
    BulkRequest done;
    try (Task lock = conductor.tasks().acquire(busy.uuid(), "test", LockMode.EXCLUSIVE)) {
      taken =
          conductor
              .bulk()
              .submit(
                  BulkAction.provision(ProvisionRequest.deploy("H4sIAAAA")),
                  List.of(
                      ok1.uuid(),
                      enrolled.uuid(),
                      "ghost",
                      failing.uuid(),
                      busy.uuid(),
                      ok2.uuid()));
      assertThat(taken.nodes()).extracting(BulkNodeResult::result).containsOnly(Outcome.PENDING);
      // The locked node waits for the lock (100 ms in tests) and then reports it.
      ConductorEnv.await(
          "the locked node's result",
          () -> conductor.bulk().get(taken.id()).nodes().get(4).result() != Outcome.PENDING);
    }
    ConductorEnv.await("every result", () -> conductor.bulk().get(taken.id()).finished());
    done = conductor.bulk().get(taken.id());

    assertThat(done.verb()).isEqualTo("active");
    assertThat(done.conductor()).isEqualTo(conductor.name());
    assertThat(done.count(Outcome.SUCCESS)).isEqualTo(2);
    assertThat(done.count(Outcome.ERROR)).isEqualTo(4);
    List<BulkNodeResult> n = done.nodes();
    assertThat(n.get(0))
        .isEqualTo(new BulkNodeResult(ok1.uuid(), ok1.uuid(), "active", Outcome.SUCCESS, null));
    assertThat(n.get(5))
        .isEqualTo(new BulkNodeResult(ok2.uuid(), ok2.uuid(), "active", Outcome.SUCCESS, null));
    assertThat(n.get(1).uuid()).isEqualTo(enrolled.uuid());
    assertThat(n.get(1).state()).isEqualTo("enroll");
    assertThat(n.get(1).error()).contains("enroll");
    assertThat(n.get(2))
        .isEqualTo(
            new BulkNodeResult(
                "ghost", null, null, Outcome.ERROR, "Node ghost could not be found."));
    assertThat(n.get(3).uuid()).isEqualTo(failing.uuid());
    assertThat(n.get(3).state()).isEqualTo("deploy failed");
    assertThat(n.get(3).error()).contains("deploy.deploy");
    assertThat(n.get(4).uuid()).isEqualTo(busy.uuid());
    assertThat(n.get(4).state()).isEqualTo("available");
    assertThat(n.get(4).error()).containsIgnoringCase("locked");
    assertThat(conductor.getNode(busy.uuid()).provisionState()).isEqualTo("available");
    assertThat(conductor.getNode(ok1.uuid()).instanceInfo()).containsKey("configdrive");
  }

  @ConductorTest
  void submit_power_reportsThePowerState(ConductorEnv env) {
    Conductor conductor = env.conductor();
    Node a = env.nodeIn("manageable", Map.of());
    Node b = env.nodeIn("manageable", Map.of("fake_fail", "power.set"));
    String name = "named-" + UUID.randomUUID().toString().substring(0, 8);
    Node c = conductor.createNode(NodeSpec.of("fake-hardware", Map.of()).withName(name));
    finish(conductor.power(a.uuid(), "power off", null));

    BulkRequest taken =
        conductor
            .bulk()
            .submit(BulkAction.power("power on", null), List.of(a.uuid(), b.uuid(), name));
    ConductorEnv.await("every result", () -> conductor.bulk().get(taken.id()).finished());
    List<BulkNodeResult> n = conductor.bulk().get(taken.id()).nodes();

    assertThat(n.get(0).result()).isEqualTo(Outcome.SUCCESS);
    assertThat(n.get(0).state()).isEqualTo("power on");
    assertThat(n.get(1).result()).isEqualTo(Outcome.ERROR);
    assertThat(n.get(1).error()).contains("power.set");
    assertThat(n.get(2))
        .isEqualTo(new BulkNodeResult(name, c.uuid(), "power on", Outcome.SUCCESS, null));
  }

  /** A pool kept full by other work: the node waits its turn for a while, then reports it. */
  @ConductorTest
  void submit_poolFullOfOtherWork_theNodeReportsNoFreeWorker(ConductorEnv env) throws Exception {
    Conductor small = env.newConductor("conductor-small", 2);
    List<Node> hung = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      hung.add(
          env.nodeIn("available", Map.of("fake_hang", "deploy.deploy", "fake_hang_ms", "3000")));
    }
    Node waiting = env.nodeIn("available", Map.of());
    for (Node node : hung) {
      ConcurrentTests.OWN_THREAD.execute(
          () -> {
            try {
              small.provision(node.uuid(), ProvisionRequest.of("deploy")).await(ConductorEnv.WAIT);
            } catch (Exception e) {
              // the hang ends in a failure, handled in the worker
            }
          });
    }
    ConductorEnv.await("both workers busy", () -> small.workers().active() == 2);

    BulkRequests bulk = small.bulk();
    bulk.noWorkerWait(java.time.Duration.ofMillis(200));
    BulkRequest taken =
        bulk.submit(BulkAction.provision(ProvisionRequest.of("deploy")), List.of(waiting.uuid()));
    ConductorEnv.await("the result", () -> bulk.get(taken.id()).finished());

    BulkNodeResult result = bulk.get(taken.id()).nodes().get(0);
    assertThat(result.result()).isEqualTo(Outcome.ERROR);
    assertThat(result.error()).isEqualTo("No free conductor worker: all 2 are busy; retry later");
    assertThat(result.state()).isEqualTo("available");
    for (Node node : hung) {
      ConductorEnv.await(
          "the hung deploy failed",
          () -> small.getNode(node.uuid()).provisionState().equals("deploy failed"));
    }
  }

  /** Closing the dispatching conductor loses no result: nodes not started yet say so. */
  @ConductorTest
  void close_whileNodesWaitTheirTurn_everyNodeStillGetsAResult(ConductorEnv env) {
    Conductor closing = env.newConductor("conductor-closing", 2); // bulk runs one node at a time
    List<String> nodes = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      nodes.add(env.nodeIn("available", Map.of("fake_delay_ms", "1000")).uuid());
    }
    BulkRequest taken =
        closing.bulk().submit(BulkAction.provision(ProvisionRequest.of("deploy")), nodes);
    ConductorEnv.await(
        "a node started",
        () ->
            nodes.stream()
                .anyMatch(n -> !env.conductor().getNode(n).provisionState().equals("available")));

    closing.close();

    ConductorEnv.await("every result", () -> env.conductor().bulk().get(taken.id()).finished());
    BulkRequest done = env.conductor().bulk().get(taken.id());
    assertThat(done.count(Outcome.ERROR)).as("nodes never started").isPositive();
    for (BulkNodeResult result : done.nodes()) {
      String state = env.conductor().getNode(result.node()).provisionState();
      if (result.result() == Outcome.SUCCESS) {
        assertThat(state).isEqualTo("active");
      } else {
        assertThat(result.error())
            .isEqualTo("Conductor conductor-closing stopped before starting this node");
        assertThat(state).isEqualTo("available");
      }
    }
  }

  @ConductorTest
  void submit_badInput_isRefusedWhole_namingTheEntry(ConductorEnv env) {
    BulkRequests bulk = env.conductor().bulk();
    BulkAction deploy = BulkAction.provision(ProvisionRequest.of("deploy"));
    assertThatThrownBy(() -> bulk.submit(deploy, List.of()))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessage("nodes: a bulk request needs at least one node");
    List<String> many = new ArrayList<>(Collections.nCopies(BulkRequests.MAX_NODES + 1, "x"));
    assertThatThrownBy(() -> bulk.submit(deploy, many))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessage("nodes: a bulk request takes at most 1000 nodes, not 1001");
    String uuid = UUID.randomUUID().toString();
    assertThatThrownBy(() -> bulk.submit(deploy, List.of(uuid, "a", uuid.toUpperCase())))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessageStartingWith("nodes[2] repeats nodes[0]");
    assertThatThrownBy(() -> bulk.submit(deploy, List.of("a", "../etc/passwd")))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessageStartingWith("nodes[1] must be a node UUID or a name");
    assertThatThrownBy(() -> bulk.submit(deploy, java.util.Arrays.asList("a", null)))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessageStartingWith("nodes[1] must be");
    assertThatThrownBy(() -> BulkAction.provision(ProvisionRequest.of("clean")))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessage("Manual cleaning needs clean_steps");
    assertThatThrownBy(() -> BulkAction.power("explode", null))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessageStartingWith("Unknown power target");
    assertThatThrownBy(() -> bulk.get(UUID.randomUUID().toString()))
        .isInstanceOf(NodeNotFoundException.class);
    assertThatThrownBy(() -> bulk.get("not-a-uuid"))
        .isInstanceOf(NodeNotFoundException.class)
        .hasMessage("Bulk request ids are UUIDs; no request has that id.");
  }

  @ConductorTest
  void get_fromAnotherConductor_seesTheSameResults(ConductorEnv env) {
    Node node = env.nodeIn("manageable", Map.of());
    BulkRequest taken =
        env.conductor()
            .bulk()
            .submit(BulkAction.provision(ProvisionRequest.of("provide")), List.of(node.uuid()));
    ConductorEnv.await("the result", () -> env.conductor().bulk().get(taken.id()).finished());

    Conductor other = env.newConductor("conductor-2", 2);

    assertThat(other.bulk().get(taken.id().toUpperCase()))
        .isEqualTo(env.conductor().bulk().get(taken.id()));
    assertThat(other.bulk().get(taken.id()).nodes().get(0).state()).isEqualTo("available");
  }

  /**
   * A node that waits for a callback after its work ended stays pending; its conductor stops; once
   * the node comes to rest, a live conductor settles the result from the node's state.
   */
  @ConductorTest
  void settle_afterTheDispatchingConductorStopped_readsTheNodesState(ConductorEnv env)
      throws Exception {
    Node waits = env.nodeIn("available", Map.of("fake_wait", "deploy.deploy"));
    Node plain = env.nodeIn("available", Map.of());
    Conductor gone = env.newConductor("conductor-gone", 4);
    BulkRequest taken =
        gone.bulk()
            .submit(
                BulkAction.provision(ProvisionRequest.of("deploy")),
                List.of(waits.uuid(), plain.uuid()));
    // Await any result, then check it: a wrong one fails here, saying what it is.
    ConductorEnv.await(
        "the plain node's result",
        () -> gone.bulk().get(taken.id()).nodes().get(1).result() != Outcome.PENDING);
    assertThat(gone.bulk().get(taken.id()).nodes().get(1))
        .isEqualTo(new BulkNodeResult(plain.uuid(), plain.uuid(), "active", Outcome.SUCCESS, null));
    ConductorEnv.await(
        "the waiting node in wait call-back, or its result",
        () -> {
          BulkNodeResult first = gone.bulk().get(taken.id()).nodes().get(0);
          return "wait call-back".equals(first.state()) || first.result() != Outcome.PENDING;
        });
    assertThat(gone.bulk().get(taken.id()).nodes().get(0))
        .isEqualTo(
            new BulkNodeResult(
                waits.uuid(), waits.uuid(), "wait call-back", Outcome.PENDING, null));
    gone.close();

    env.conductor().bulk().settle();
    assertThat(env.conductor().bulk().get(taken.id()).nodes().get(0).result())
        .as("still waiting for its callback")
        .isEqualTo(Outcome.PENDING);

    finish(env.conductor().continueNode(waits.uuid()));
    ConductorEnv.await(
        "settled by the periodic pass", () -> env.conductor().bulk().get(taken.id()).finished());
    assertThat(env.conductor().bulk().get(taken.id()).nodes().get(0))
        .isEqualTo(new BulkNodeResult(waits.uuid(), waits.uuid(), "active", Outcome.SUCCESS, null));
  }

  /** Results left pending by a conductor instance that died are settled, never left pending. */
  @ConductorTest(periodicTasks = false)
  void settle_resultsOfADeadInstance_areSettledFromTheNodes(ConductorEnv env) {
    Conductor conductor = env.conductor();
    conductor.heartbeat();
    Node active = env.nodeIn("active", Map.of());
    Node available = env.nodeIn("available", Map.of());
    Node failed = env.nodeIn("available", Map.of("fake_fail", "deploy.deploy"));
    ConductorEnv.failure(conductor.provision(failed.uuid(), ProvisionRequest.of("deploy")));
    Node busy = env.nodeIn("available", Map.of());
    String request = UUID.randomUUID().toString();
    // What a previous run of this conductor left: one node started and done, one never started,
    // one failed, one busy, one deleted.
    List<Long> rows =
        env.jdbi()
            .inTransaction(
                h ->
                    BulkStore.insert(
                        h,
                        request,
                        "active",
                        conductor.name(),
                        UUID.randomUUID().toString(),
                        List.of(
                            active.uuid(), available.uuid(), failed.uuid(), busy.uuid(), "gone"),
                        Instant.now()));
    env.jdbi()
        .useTransaction(
            h -> {
              BulkStore.started(
                  h, rows.get(0), active.uuid(), "deploying", "active", Instant.now());
              BulkStore.started(
                  h, rows.get(2), failed.uuid(), "deploying", "active", Instant.now());
              BulkStore.started(h, rows.get(3), busy.uuid(), "deploying", "active", Instant.now());
            });

    int written;
    try (Task lock = conductor.tasks().acquire(busy.uuid(), "test", LockMode.EXCLUSIVE)) {
      written = conductor.bulk().settle();
    }
    List<BulkNodeResult> n = conductor.bulk().get(request).nodes();

    assertThat(n.get(0).result()).isEqualTo(Outcome.SUCCESS);
    assertThat(n.get(0).state()).isEqualTo("active");
    assertThat(n.get(1).result()).isEqualTo(Outcome.ERROR);
    assertThat(n.get(1).error())
        .isEqualTo(
            "Conductor conductor-1 stopped before this node's action was recorded as started; the"
                + " node is in \"available\"");
    assertThat(n.get(2).result()).isEqualTo(Outcome.ERROR);
    assertThat(n.get(2).state()).isEqualTo("deploy failed");
    assertThat(n.get(2).error()).startsWith("Ended in \"deploy failed\" instead of \"active\": ");
    assertThat(n.get(3).result()).as("reserved: still at work").isEqualTo(Outcome.PENDING);
    assertThat(n.get(4))
        .isEqualTo(
            new BulkNodeResult("gone", null, null, Outcome.ERROR, "Node gone no longer exists"));
    assertThat(written).isEqualTo(4);

    assertThat(conductor.bulk().settle()).isEqualTo(1);
    assertThat(conductor.bulk().get(request).finished()).isTrue();
    assertThat(conductor.bulk().settle()).as("nothing left").isZero();
  }

  /** A live conductor's requests are its own to write: peers leave them alone. */
  @ConductorTest(periodicTasks = false)
  void settle_leavesALiveInstancesResultsAlone(ConductorEnv env) {
    Conductor conductor = env.conductor();
    Conductor peer = env.newConductor("conductor-2", 2, ConductorEnv::withoutPeriodicTasks);
    conductor.heartbeat();
    peer.heartbeat();
    Node node = env.nodeIn("available", Map.of());
    String request = pendingDeployOf(env, "conductor-2", node);

    assertThat(conductor.bulk().settle()).isZero();
    assertThat(conductor.bulk().get(request).nodes().get(0).result()).isEqualTo(Outcome.PENDING);
    // Its owner has no dispatch for it in memory (as after a failed write): it settles it itself.
    assertThat(peer.bulk().settle()).isEqualTo(1);
    assertThat(conductor.bulk().get(request).finished()).isTrue();
  }

  /**
   * A peer that registered after this conductor's last heartbeat is missing from its view of the
   * conductors: that peer is new, not gone, and its requests are still its own to write. Its nodes
   * are settled only once it has really left.
   */
  @ConductorTest(periodicTasks = false)
  void settle_aPeerNewerThanTheLastHeartbeat_isLeftAloneUntilItLeaves(ConductorEnv env) {
    // A conductor whose next own heartbeat is far off: its view of the conductors is the one of
    // its last heartbeat the test asks for.
    Conductor conductor =
        env.newConductor(
            "conductor-3",
            2,
            b ->
                ConductorEnv.withoutPeriodicTasks(b)
                    .heartbeat(Duration.ofMinutes(10), Duration.ofMinutes(20)));
    Node node = env.nodeIn("available", Map.of());
    conductor.heartbeat(); // its view, taken before the peer exists
    Conductor peer = env.newConductor("conductor-2", 2, ConductorEnv::withoutPeriodicTasks);
    String request = pendingDeployOf(env, "conductor-2", node);

    assertThat(conductor.bulk().settle()).as("settled a live peer's result").isZero();
    assertThat(conductor.bulk().get(request).nodes().get(0).result()).isEqualTo(Outcome.PENDING);

    peer.close(); // gone now, though the view still predates it
    assertThat(conductor.bulk().settle()).isEqualTo(1);
    assertThat(conductor.bulk().get(request).nodes().get(0))
        .isEqualTo(
            new BulkNodeResult(
                node.uuid(),
                node.uuid(),
                "available",
                Outcome.ERROR,
                "Conductor conductor-2 stopped before this node's action was recorded as started;"
                    + " the node is in \"available\""));
  }

  /**
   * Stores what a request of the running instance of {@code conductor} to deploy {@code node} looks
   * like before its dispatch writes anything; returns its id.
   */
  private static String pendingDeployOf(ConductorEnv env, String conductor, Node node) {
    String request = UUID.randomUUID().toString();
    env.jdbi()
        .useTransaction(
            h -> {
              String instance =
                  h.createQuery("SELECT instance_id FROM conductors WHERE hostname = :n")
                      .bind("n", conductor)
                      .mapTo(String.class)
                      .one();
              BulkStore.insert(
                  h, request, "active", conductor, instance, List.of(node.uuid()), Instant.now());
            });
    return request;
  }

  private static Node finish(ActionHandle handle) {
    return ConductorEnv.finish(handle);
  }
}
