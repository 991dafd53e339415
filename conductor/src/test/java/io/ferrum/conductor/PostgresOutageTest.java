package io.ferrum.conductor;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrum.conductor.testing.ConductorEnv;
import io.ferrum.conductor.testing.ConductorMatrix;
import io.ferrum.conductor.testing.ThrowAwayPostgres;
import io.ferrum.fsm.ProvisionMachine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The database server stops for real in the middle of a workload, and comes back: within a recovery
 * interval of its return, every node is unlocked and resting in a state the machine allows, its
 * history and notifications telling what happened, with no restart of the conductor.
 */
class PostgresOutageTest {

  private static final Duration RECOVERY_INTERVAL = Duration.ofSeconds(1);

  @Test
  void serverStopsUnderLoad_everyNodeUnlockedAndRestingOnceItIsBack() throws Exception {
    InMemoryNotificationSink sink = new InMemoryNotificationSink();
    try (ThrowAwayPostgres pg = ThrowAwayPostgres.start();
        ConnectionPool pool = Databases.pooled(pg.url(), null, null, 24);
        Conductor conductor =
            Conductor.builder()
                .dataSource(pool)
                .name("outage")
                .workers(16)
                .notificationSink(sink)
                .recoveryInterval(RECOVERY_INTERVAL)
                .lockWait(Duration.ofMillis(50))
                .build()) {
      List<String> uuids = new ArrayList<>();
      for (int i = 0; i < 24; i++) {
        uuids.add(
            conductor
                .createNode(
                    NodeSpec.of("fake-hardware", Map.of("fake_delay_ms", "40"))
                        .withInitialState("available"))
                .uuid());
      }
      AtomicBoolean running = new AtomicBoolean(true);
      AtomicInteger accepted = new AtomicInteger();
      ExecutorService clients = Executors.newFixedThreadPool(8);
      List<Future<?>> loops = new ArrayList<>();
      for (int c = 0; c < 8; c++) {
        int client = c;
        loops.add(
            clients.submit(
                () -> {
                  for (int i = 0; running.get(); i++) {
                    String uuid = uuids.get((client * 3 + i) % uuids.size());
                    try {
                      Node node = conductor.getNode(uuid);
                      String verb = node.provisionState().equals("active") ? "deleted" : "active";
                      if (node.provisionState().endsWith("failed")) {
                        verb = node.provisionState().equals("clean failed") ? "manage" : "deleted";
                      }
                      if (node.provisionState().equals("manageable")) {
                        verb = "provide";
                      }
                      conductor.provision(uuid, ProvisionRequest.of(verb));
                      accepted.incrementAndGet();
                    } catch (FerrumException e) {
                      // locked, refused or the database is down: a client tries again
                    }
                  }
                }));
      }
      Thread.sleep(1500);
      pg.stop();
      Thread.sleep(3000);
      pg.startServer();
      Thread.sleep(1500);
      running.set(false);
      for (Future<?> loop : loops) {
        loop.get();
      }
      clients.shutdown();
      assertThat(accepted.get()).as("the workload ran").isGreaterThan(10);

      ConductorEnv.await(
          "every node unlocked and resting within the recovery interval",
          () -> {
            try {
              return uuids.stream()
                  .map(conductor::getNode)
                  .allMatch(
                      n ->
                          n.reservation() == null
                              && !Task.isWorking(n.provisionState())
                              && n.targetPowerState() == null);
            } catch (DatabaseException e) {
              return false;
            }
          });
      assertThat(conductor.nodesRepaired()).as("the outage left work for recovery").isPositive();
      for (String uuid : uuids) {
        Node node = conductor.getNode(uuid);
        assertThat(ProvisionMachine.DEFINITION.state(node.provisionState())).isPresent();
        List<HistoryEvent> history = conductor.history(uuid);
        assertThat(
                history.stream()
                    .filter(h -> List.of("provisioning", "fault").contains(h.eventType()))
                    .filter(h -> h.toState() != null)
                    .reduce((a, b) -> b)
                    .map(HistoryEvent::toState))
            .as("newest transition row of %s", uuid)
            .contains(node.provisionState());
        ConductorMatrix.checkNotifications(sink.forNode(uuid), node.provisionState());
      }
    }
  }
}
