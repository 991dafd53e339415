package io.ferrum.conductor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferrum.conductor.testing.ConductorEnv;
import io.ferrum.conductor.testing.TcpProxy;
import io.ferrum.conductor.testing.TestDatabases;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL that stops answering on the wire (frozen, not down) or whose link is cut: a request
 * fails with a database error within seconds, with the default settings of {@link
 * Databases#pooled}, instead of hanging; and the conductor works again once the database answers.
 */
class FrozenDatabaseTest {

  @Test
  void frozenDatabase_requestFailsWithinTheSocketTimeout_thenRecovers() throws Exception {
    TestDatabases.assumePostgres();
    try (TestDatabases.Fresh db = TestDatabases.create(TestDatabases.Kind.POSTGRES);
        TcpProxy proxy = TcpProxy.inFrontOf(db.url());
        ConnectionPool pool = Databases.pooled(proxy.through(db.url()), null, null, 4);
        Conductor conductor = Conductor.builder().dataSource(pool).name("frozen").build()) {
      Node node = conductor.createNode(NodeSpec.of("fake-hardware", Map.of()));

      proxy.freeze();
      long start = System.nanoTime();
      CompletableFuture<Node> read =
          CompletableFuture.supplyAsync(
              () -> conductor.getNode(node.uuid()), ConcurrentTests.OWN_THREAD);
      assertThatThrownBy(() -> read.get(30, TimeUnit.SECONDS))
          .hasCauseInstanceOf(DatabaseException.class);
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertThat(took)
          .as("bounded by the socket timeout, not a hang")
          .isLessThan(Duration.ofSeconds(25));
      assertThat(new DatabaseException("x").kind()).isEqualTo(ErrorKind.TEMPORARY);

      proxy.restore();
      assertThat(conductor.getNode(node.uuid()).uuid()).isEqualTo(node.uuid());
    }
  }

  @Test
  void cutLink_requestFailsAtOnce_thenRecovers() throws Exception {
    TestDatabases.assumePostgres();
    try (TestDatabases.Fresh db = TestDatabases.create(TestDatabases.Kind.POSTGRES);
        TcpProxy proxy = TcpProxy.inFrontOf(db.url());
        ConnectionPool pool = Databases.pooled(proxy.through(db.url()), null, null, 4);
        Conductor conductor = Conductor.builder().dataSource(pool).name("cut").build()) {
      Node node = conductor.createNode(NodeSpec.of("fake-hardware", Map.of()));

      proxy.cut();
      assertThatThrownBy(() -> conductor.getNode(node.uuid()))
          .isInstanceOf(DatabaseException.class)
          .hasMessageNotContaining("127.0.0.1")
          .hasMessageNotContaining("postgres");

      proxy.restore();
      ConductorEnv.await(
          "the conductor reads again",
          () -> {
            try {
              return conductor.getNode(node.uuid()) != null;
            } catch (DatabaseException e) {
              return false;
            }
          });
    }
  }
}
