package io.ferrum.conductor;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrum.conductor.testing.ConductorEnv;
import io.ferrum.conductor.testing.ConductorTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Seed 002: two deletes of one node, or a delete racing a provision action: exactly one wins; the
 * loser gets a clear conflict or not-found, never anything else; a delete whose intent was
 * fulfilled by a concurrent delete succeeds; nothing is orphaned.
 */
class DeleteRaceTest {

  @ConductorTest
  void concurrentDeletes_allSucceedOrConflict_nodeGoneOnce(ConductorEnv env) throws Exception {
    Conductor second = env.newConductor("conductor-2", 4);
    for (int round = 0; round < 10; round++) {
      Node node = env.createNode(Map.of());
      List<Object> outcomes =
          race(
              8,
              i ->
                  () -> {
                    (i % 2 == 0 ? env.conductor() : second).deleteNode(node.uuid());
                    return "deleted";
                  });

      assertThat(outcomes)
          .allSatisfy(
              o ->
                  assertThat(o)
                      .isIn("deleted", NodeLockedException.class, NodeNotFoundException.class));
      assertThat(outcomes).contains("deleted");
      assertThat(env.conductor().listNodes(NodeQuery.all()).nodes())
          .extracting(Node::uuid)
          .doesNotContain(node.uuid());
    }
    int history =
        env.jdbi()
            .withHandle(
                h -> h.createQuery("SELECT COUNT(*) FROM node_history").mapTo(Integer.class).one());
    assertThat(history).isZero();
  }

  @ConductorTest
  void deleteRacingProvide_exactlyOneWins(ConductorEnv env) throws Exception {
    for (int round = 0; round < 10; round++) {
      Node node = env.nodeIn("manageable", Map.of());
      List<Object> outcomes =
          race(
              2,
              i ->
                  i == 0
                      ? () -> {
                        env.conductor().deleteNode(node.uuid());
                        return "deleted";
                      }
                      : () -> {
                        ConductorEnv.finish(
                            env.conductor().provision(node.uuid(), ProvisionRequest.of("provide")));
                        return "provided";
                      });

      assertThat(outcomes)
          .allSatisfy(
              o ->
                  assertThat(o)
                      .isIn(
                          "deleted",
                          "provided",
                          NodeLockedException.class,
                          NodeNotFoundException.class,
                          NodeConflictException.class));
      boolean deleted = outcomes.contains("deleted");
      boolean provided = outcomes.contains("provided");
      assertThat(deleted || provided).as("one of them wins: %s", outcomes).isTrue();
      if (!deleted) {
        assertThat(env.conductor().getNode(node.uuid()).provisionState()).isEqualTo("available");
      }
    }
  }

  /** Runs {@code n} callables at once; returns each result, or the class of what it threw. */
  static List<Object> race(int n, java.util.function.IntFunction<Callable<Object>> make)
      throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(n);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Object>> futures = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        Callable<Object> body = make.apply(i);
        futures.add(
            threads.submit(
                () -> {
                  start.await();
                  try {
                    return body.call();
                  } catch (FerrumException e) {
                    return e.getClass();
                  }
                }));
      }
      start.countDown();
      List<Object> outcomes = new ArrayList<>();
      for (Future<Object> future : futures) {
        outcomes.add(future.get());
      }
      return outcomes;
    } finally {
      threads.shutdownNow();
    }
  }
}
