package io.ferrum.conductor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedding example of docs/conductor.md and the README, run as written (with the database in a
 * temporary directory instead of ./data), plus checks of what its comments claim.
 */
class EmbeddingExampleTest {

  @Test
  void embeddingExample_runsAsDocumented(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("data");
    Files.createDirectories(data);
    String url = "jdbc:h2:file:" + data.resolve("ferrum");
    ConnectionPool pool;
    try (ConnectionPool db = Databases.pooled(url, null, null, 16);
        Conductor conductor = Conductor.builder().dataSource(db).name("c1").build()) {
      Node node = conductor.createNode(NodeSpec.of("fake-hardware", Map.of()));
      conductor.provision(node.uuid(), ProvisionRequest.of("manage")).await(Duration.ofMinutes(1));
      conductor.provision(node.uuid(), ProvisionRequest.of("provide")).await(Duration.ofMinutes(1));
      ActionHandle deploy = conductor.provision(node.uuid(), ProvisionRequest.of("active"));
      deploy.applied(); // "deploying", target "active", already committed
      deploy.await(Duration.ofMinutes(10)); // "active"

      assertThat(deploy.applied().provisionState()).isEqualTo("deploying");
      assertThat(deploy.applied().targetProvisionState()).isEqualTo("active");
      assertThat(deploy.await(Duration.ofMinutes(10)).provisionState()).isEqualTo("active");
      pool = db;
    }

    // try-with-resources closed the conductor, then the pool.
    assertThat(org.assertj.core.api.Assertions.catchThrowable(pool::getConnection))
        .as("the pool is closed after the conductor")
        .isInstanceOf(SQLException.class);
  }
}
