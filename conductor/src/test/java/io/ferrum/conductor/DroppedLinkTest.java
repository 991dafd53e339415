package io.ferrum.conductor;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrum.conductor.testing.ConductorEnv;
import io.ferrum.conductor.testing.TcpProxy;
import io.ferrum.conductor.testing.TestDatabases;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * One conductor's database link breaks (a TCP proxy in front of PostgreSQL drops its connections
 * and refuses new ones) while its jobs run: its peer takes its nodes over once its heartbeat times
 * out, and when the link comes back the cut-off conductor's late writes change nothing.
 */
class DroppedLinkTest {

  @Test
  void linkCut_peerTakesOver_lateWritesFencedOut_conductorJoinsAgain() throws Exception {
    TestDatabases.assumePostgres();
    Duration interval = Duration.ofMillis(200);
    Duration timeout = Duration.ofSeconds(2);
    try (TestDatabases.Fresh db = TestDatabases.create(TestDatabases.Kind.POSTGRES);
        TcpProxy proxy = TcpProxy.inFrontOf(db.url());
        ConnectionPool cutPool = Databases.pooled(proxy.through(db.url()), null, null, 8);
        ConnectionPool peerPool = Databases.pooled(db.url(), null, null, 8);
        Conductor cut =
            Conductor.builder()
                .dataSource(cutPool)
                .name("cut-off")
                .heartbeat(interval, timeout)
                .build();
        Conductor peer =
            Conductor.builder()
                .dataSource(peerPool)
                .name("peer")
                .heartbeat(interval, timeout)
                .build()) {
      List<String> nodes = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        Node node =
            cut.createNode(
                NodeSpec.of("fake-hardware", Map.of("fake_delay_ms", "1500"))
                    .withInitialState("available"));
        cut.provision(node.uuid(), ProvisionRequest.of("active"));
        nodes.add(node.uuid());
      }
      assertThat(nodes)
          .allSatisfy(u -> assertThat(peer.getNode(u).reservation()).isEqualTo("cut-off"));

      proxy.cut();

      ConductorEnv.await(
          "the peer takes every node over",
          () ->
              nodes.stream()
                  .map(peer::getNode)
                  .allMatch(
                      n -> n.reservation() == null && n.provisionState().equals("deploy failed")));
      assertThat(peer.getNode(nodes.get(0)).lastError())
          .contains("conductor cut-off stopped heartbeating and conductor peer took the node over");

      proxy.restore();
      ConductorEnv.await(
          "cut-off alive again",
          () ->
              peer.conductors().stream()
                  .anyMatch(i -> i.hostname().equals("cut-off") && i.alive()));
      Thread.sleep(3000); // its deploys wake up and try to record their end
      assertThat(nodes)
          .allSatisfy(u -> assertThat(peer.getNode(u).provisionState()).isEqualTo("deploy failed"));
    }
  }
}
