package io.ferrum.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ferrum serve} in a child process, killed with SIGKILL right after acknowledged writes: a
 * 2xx means committed to disk, so after a restart every created node is there, and every node whose
 * deploy was accepted shows what happened to it (its start recorded, then failed by the restart's
 * recovery), on the embedded H2 default as on PostgreSQL.
 */
class ServeCrashTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void killNineAfterAcknowledgedWrites_embeddedH2_nothingLost(@TempDir Path dir) throws Exception {
    killNineAfterAcknowledgedWrites(
        List.of("--data-dir", dir.resolve("data").toString()), dir.resolve("log"));
  }

  @Test
  void killNineAfterAcknowledgedWrites_postgres_nothingLost(@TempDir Path dir) throws Exception {
    try (ServeProcess.Schema schema = ServeProcess.Schema.create()) {
      killNineAfterAcknowledgedWrites(List.of("--db-url", schema.url()), dir.resolve("log"));
    }
  }

  /**
   * H2 writes a chunk into space older chunks freed, then leaves its store header naming the chunk
   * before: a restart after kill -9 found neither that chunk nor any after it, and opened the
   * database at an older state, every time. With freed space reused at once ({@code
   * RETENTION_TIME=0}; by default after 45 s of writes), each round's acknowledged write must be
   * there after the kill that follows it.
   */
  @Test
  void killNineAfterEachAcknowledgedWrite_embeddedH2ReusingFreedSpace_nothingLost(@TempDir Path dir)
      throws Exception {
    List<String> database =
        withName(
            List.of(
                "--db-url", "jdbc:h2:file:" + dir.resolve("data/ferrum") + ";RETENTION_TIME=0"));
    Path log = dir.resolve("log");
    List<String> nodes = new ArrayList<>();
    ServeProcess serve = ServeProcess.start(database, log);
    try {
      for (int i = 0; i < 4; i++) {
        HttpResponse<String> response =
            serve.send("POST", "/v1/nodes", "1.78", "{\"driver\":\"fake-hardware\"}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        nodes.add(JSON.readTree(response.body()).get("uuid").asText());
      }
    } finally {
      serve.kill();
    }
    for (int round = 1; round <= 5; round++) {
      Thread.sleep(2500); // the killed instance's heartbeat ages past its timeout
      serve = ServeProcess.start(database, log);
      try {
        for (String uuid : nodes) {
          HttpResponse<String> node = serve.send("GET", "/v1/nodes/" + uuid, "1.78", null);
          assertThat(node.statusCode()).as("node %s after kill -9", uuid).isEqualTo(200);
          JsonNode extra = JSON.readTree(node.body()).get("extra");
          if (round > 1) {
            assertThat(extra.path("round").asInt())
                .as("round %d's acknowledged write to %s, after kill -9", round - 1, uuid)
                .isEqualTo(round - 1);
          }
        }
        for (String uuid : round < 5 ? nodes : List.<String>of()) {
          HttpResponse<String> patch =
              serve.send(
                  "PATCH",
                  "/v1/nodes/" + uuid,
                  "1.78",
                  "[{\"op\":\"add\",\"path\":\"/extra/round\",\"value\":" + round + "}]");
          assertThat(patch.statusCode()).as(patch.body()).isEqualTo(200);
        }
      } finally {
        serve.kill();
      }
    }
  }

  private static List<String> withName(List<String> database) {
    List<String> args = new ArrayList<>(database);
    args.addAll(
        List.of("--name", "crash", "--heartbeat-interval", "1", "--heartbeat-timeout", "2"));
    return args;
  }

  private static void killNineAfterAcknowledgedWrites(List<String> database, Path log)
      throws Exception {
    List<String> created = new ArrayList<>();
    List<String> deploying = new ArrayList<>();
    ServeProcess first = ServeProcess.start(withName(database), log);
    try {
      for (int i = 0; i < 20; i++) {
        HttpResponse<String> response =
            first.send("POST", "/v1/nodes", "1.78", "{\"driver\":\"fake-hardware\"}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        created.add(JSON.readTree(response.body()).get("uuid").asText());
      }
      // Nodes made the pre-1.11 way start "available"; their deploys outlive the process.
      for (int i = 0; i < 8; i++) {
        HttpResponse<String> node =
            first.send(
                "POST",
                "/v1/nodes",
                "1.10",
                "{\"driver\":\"fake-hardware\",\"driver_info\":{\"fake_delay_ms\":\"5000\"}}");
        assertThat(node.statusCode()).as(node.body()).isEqualTo(201);
        String uuid = JSON.readTree(node.body()).get("uuid").asText();
        HttpResponse<String> deploy =
            first.send(
                "PUT",
                "/v1/nodes/" + uuid + "/states/provision",
                "1.78",
                "{\"target\":\"active\"}");
        assertThat(deploy.statusCode()).as(deploy.body()).isEqualTo(202);
        deploying.add(uuid);
      }
    } finally {
      first.kill();
    }

    // Started again under the same name, as a supervisor would, once the killed one's heartbeat
    // has aged past its timeout (2 s here): until then the name counts as alive.
    Thread.sleep(2500);
    ServeProcess second = ServeProcess.start(withName(database), log);
    try {
      for (String uuid : created) {
        HttpResponse<String> node = second.send("GET", "/v1/nodes/" + uuid, "1.78", null);
        assertThat(node.statusCode()).as("node %s after kill -9", uuid).isEqualTo(200);
      }
      for (String uuid : deploying) {
        HttpResponse<String> found = second.send("GET", "/v1/nodes/" + uuid, "1.78", null);
        assertThat(found.statusCode()).as("node %s, deployed, after kill -9", uuid).isEqualTo(200);
        JsonNode node = JSON.readTree(found.body());
        assertThat(node.get("provision_state").asText())
            .as("accepted deploy of %s, after kill -9 and restart", uuid)
            .isEqualTo("deploy failed");
        assertThat(node.get("last_error").asText()).contains("can't be resumed");
        assertThat(node.get("reservation").isNull()).isTrue();
        JsonNode history =
            JSON.readTree(second.send("GET", "/v1/nodes/" + uuid + "/history", "1.78", null).body())
                .get("history");
        assertThat(history.toString()).contains("deploying");
      }
    } finally {
      second.kill();
    }
  }
}
