package io.ferrum.conductor;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrum.conductor.testing.ConductorEnv;
import io.ferrum.conductor.testing.ConductorTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/** Many threads, one node; and many nodes at once. No lost update, no stuck lock. */
class ConcurrencyTest {

  private static final List<String> VERBS =
      List.of("manage", "provide", "deploy", "undeploy", "inspect", "abort", "rebuild");

  @ConductorTest
  void thirtyTwoThreadsRacingVerbsOnOneNode_stateAlwaysMatchesHistory(ConductorEnv env)
      throws Exception {
    Node node = env.createNode(Map.of());
    Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
    ExecutorService threads = Executors.newFixedThreadPool(32);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < 32; t++) {
        int seed = t;
        futures.add(
            threads.submit(
                () -> {
                  for (int i = 0; i < 10; i++) {
                    String verb = VERBS.get((seed + i * 7) % VERBS.size());
                    String outcome;
                    try {
                      ConductorEnv.finish(
                          env.conductor().provision(node.uuid(), ProvisionRequest.of(verb)));
                      outcome = "ok";
                    } catch (FerrumException e) {
                      outcome = e.getClass().getSimpleName();
                    }
                    outcomes.computeIfAbsent(outcome, k -> new AtomicInteger()).incrementAndGet();
                  }
                  return null;
                }));
      }
      for (Future<?> future : futures) {
        future.get();
      }
    } finally {
      threads.shutdownNow();
    }

    assertThat(outcomes.keySet())
        .isSubsetOf(
            "ok", "NodeLockedException", "InvalidStateRequestedException", "NoFreeWorkerException");
    assertThat(outcomes).containsKey("ok");
    Node after = env.conductor().getNode(node.uuid());
    List<HistoryEvent> history = env.conductor().history(node.uuid());
    // Each history row starts where the previous one ended: no transition was lost or doubled.
    for (int i = 1; i < history.size(); i++) {
      assertThat(history.get(i).fromState())
          .as("row %d of %s", i, history)
          .isEqualTo(history.get(i - 1).toState());
    }
    assertThat(history.get(history.size() - 1).toState()).isEqualTo(after.provisionState());
    assertThat(after.reservation()).isNull();
  }

  @ConductorTest
  void manyNodesDeployedConcurrently_allEndActive(ConductorEnv env) throws Exception {
    int count = env.pool() == ConductorEnv.Pool.REAL ? 1000 : 200;
    Conductor conductor = env.newConductor("big", 64);
    List<String> uuids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      uuids.add(
          conductor
              .createNode(NodeSpec.of("fake-hardware", Map.of()).withInitialState("available"))
              .uuid());
    }
    ExecutorService clients = Executors.newFixedThreadPool(16);
    try {
      List<Future<String>> results = new ArrayList<>();
      for (String uuid : uuids) {
        results.add(
            clients.submit(
                // 16 clients on 64 workers: never refused, so no client needs to retry.
                () ->
                    ConductorEnv.finish(conductor.provision(uuid, ProvisionRequest.of("deploy")))
                        .provisionState()));
      }
      for (Future<String> result : results) {
        assertThat(result.get()).isEqualTo("active");
      }
    } finally {
      clients.shutdownNow();
    }
    NodePage active = conductor.listNodes(NodeQuery.all().inState("active"));
    assertThat(active.nodes()).hasSize(count);
    // Jobs released every node; the power sync may hold one for a moment meanwhile.
    ConductorEnv.await(
        "no node reserved",
        () ->
            conductor.listNodes(NodeQuery.all().inState("active")).nodes().stream()
                .allMatch(n -> n.reservation() == null));
  }
}
