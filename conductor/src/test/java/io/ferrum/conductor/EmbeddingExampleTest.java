package io.ferrum.conductor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedding example of docs/conductor.md and the README, run as written. */
class EmbeddingExampleTest {

  @Test
  void embeddingExample_runsAsDocumented(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("data");
    Files.createDirectories(data);
    DataSource db = Databases.pooled("jdbc:h2:file:" + data.resolve("ferrum"), null, null, 16);
    Node deployed;
    ActionHandle deploy;
    try (Conductor conductor = Conductor.builder().dataSource(db).name("c1").build()) {
      Node node = conductor.createNode(NodeSpec.of("fake-hardware", Map.of()));
      conductor.provision(node.uuid(), ProvisionRequest.of("manage")).await(Duration.ofMinutes(1));
      conductor.provision(node.uuid(), ProvisionRequest.of("provide")).await(Duration.ofMinutes(1));
      deploy = conductor.provision(node.uuid(), ProvisionRequest.of("active"));
      deployed = deploy.await(Duration.ofMinutes(10));
    } finally {
      ((ConnectionPool) db).close();
    }

    assertThat(deploy.applied().provisionState()).isEqualTo("deploying");
    assertThat(deploy.applied().targetProvisionState()).isEqualTo("active");
    assertThat(deployed.provisionState()).isEqualTo("active");
  }
}
