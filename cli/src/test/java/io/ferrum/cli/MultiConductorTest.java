package io.ferrum.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three {@code ferrum serve} processes on one PostgreSQL database under a workload: one is killed
 * with SIGKILL, or paused with SIGSTOP past the heartbeat timeout and then resumed. Within the
 * timeout and one heartbeat interval every node is unlocked and resting, none lost, its history
 * saying what happened; requests on the live conductors keep being served; the paused one's late
 * writes never land. And: a live name is refused, and a shutdown hands nodes back at once.
 */
class MultiConductorTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int INTERVAL = 1;
  private static final int TIMEOUT = 4;

  @Test
  void killNine_theOthersTakeEveryNodeOver_workloadOnTheLiveOnesUnharmed(@TempDir Path dir)
      throws Exception {
    try (ServeProcess.Schema schema = ServeProcess.Schema.create();
        ServeProcess a = start(schema, "ca", dir);
        ServeProcess b = start(schema, "cb", dir);
        ServeProcess victim = start(schema, "cc", dir)) {
      List<String> theirs = nodes(a, 12, "200");
      List<String> victims = nodes(a, 6, "400");
      for (String uuid : victims) {
        assertThat(deploy(victim, uuid)).isEqualTo(202);
      }
      Workload workload = Workload.start(List.of(a, b), theirs);

      victim.kill();
      long killed = System.nanoTime();
      awaitResting(a, victims, Duration.ofSeconds(TIMEOUT + INTERVAL + 20));
      Duration took = Duration.ofNanos(System.nanoTime() - killed);
      workload.stop();

      assertThat(workload.failures()).as("requests on live conductors that failed").isEmpty();
      assertThat(workload.accepted()).isPositive();
      for (String uuid : victims) {
        JsonNode node = node(a, uuid);
        assertThat(node.get("provision_state").asText()).isIn("deploy failed", "active");
        if (node.get("provision_state").asText().equals("deploy failed")) {
          assertThat(node.get("last_error").asText()).contains("conductor cc stopped heartbeating");
        }
      }
      awaitResting(a, theirs, Duration.ofSeconds(60));
      assertThat(count(schema, "SELECT COUNT(*) FROM nodes")).isEqualTo(18);
      assertThat(schema.query("SELECT online FROM conductors WHERE hostname = 'cc'").toString())
          .isEqualTo("false");
      System.out.printf(
          "takeover after kill -9: %.1f s (heartbeat timeout %d s, interval %d s)%n",
          took.toMillis() / 1000.0, TIMEOUT, INTERVAL);
    }
  }

  @Test
  void sigstopPastTheTimeout_takenOver_lateWritesNeverLand(@TempDir Path dir) throws Exception {
    try (ServeProcess.Schema schema = ServeProcess.Schema.create();
        ServeProcess a = start(schema, "za", dir);
        ServeProcess zombie = start(schema, "zz", dir)) {
      List<String> nodes = nodes(a, 6, "1500");
      for (String uuid : nodes) {
        assertThat(deploy(zombie, uuid)).isEqualTo(202);
      }

      zombie.signal("STOP");
      awaitResting(a, nodes, Duration.ofSeconds(TIMEOUT + INTERVAL + 20));
      // Stopped, the zombie writes nothing: this is all it wrote before the takeover.
      String itsTransitions =
          "SELECT COUNT(*) FROM node_history WHERE conductor = 'zz'"
              + " AND event_type IN ('provisioning', 'fault')";
      long before = count(schema, itsTransitions);
      zombie.signal("CONT");
      // Let the zombie run again for a while: its jobs wake up and try to record their end.
      Thread.sleep(5000);

      for (String uuid : nodes) {
        assertThat(node(a, uuid).get("provision_state").asText())
            .as("node %s after the zombie woke up", uuid)
            .isEqualTo("deploy failed");
      }
      assertThat(count(schema, itsTransitions))
          .as("transitions the zombie recorded after the takeover")
          .isEqualTo(before);
      assertThat(zombie.alive()).as("only declared dead, it joins again").isTrue();
    }
  }

  @Test
  void liveName_refused_andAShutdownLeavesAtOnce(@TempDir Path dir) throws Exception {
    try (ServeProcess.Schema schema = ServeProcess.Schema.create();
        ServeProcess a = start(schema, "na", dir);
        ServeProcess b = start(schema, "nb", dir)) {
      Path log = dir.resolve("twin.log");
      int code = ServeProcess.failToStart(args(schema, "na"), log);
      assertThat(code).isNotZero();
      assertThat(Files.readString(log)).contains("A conductor named na is alive");

      assertThat(b.stop()).isZero();
      assertThat(schema.query("SELECT online FROM conductors WHERE hostname = 'nb'").toString())
          .as("nb left at once, not after the timeout")
          .isEqualTo("false");
    }
  }

  private static ServeProcess start(ServeProcess.Schema schema, String name, Path dir)
      throws Exception {
    return ServeProcess.start(args(schema, name), dir.resolve(name + ".log"));
  }

  private static List<String> args(ServeProcess.Schema schema, String name) {
    return List.of(
        "--db-url",
        schema.url(),
        "--name",
        name,
        "--heartbeat-interval",
        Integer.toString(INTERVAL),
        "--heartbeat-timeout",
        Integer.toString(TIMEOUT));
  }

  /** {@code count} available nodes whose driver calls each take {@code delayMillis}. */
  private static List<String> nodes(ServeProcess api, int count, String delayMillis)
      throws Exception {
    List<String> uuids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      HttpResponse<String> created =
          api.send(
              "POST",
              "/v1/nodes",
              "1.10",
              "{\"driver\":\"fake-hardware\",\"driver_info\":{\"fake_delay_ms\":\""
                  + delayMillis
                  + "\"}}");
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      uuids.add(JSON.readTree(created.body()).get("uuid").asText());
    }
    return uuids;
  }

  private static int deploy(ServeProcess api, String uuid) throws Exception {
    return api.send(
            "PUT", "/v1/nodes/" + uuid + "/states/provision", "1.78", "{\"target\":\"active\"}")
        .statusCode();
  }

  private static JsonNode node(ServeProcess api, String uuid) throws Exception {
    return JSON.readTree(api.send("GET", "/v1/nodes/" + uuid, "1.78", null).body());
  }

  private static long count(ServeProcess.Schema schema, String sql) throws Exception {
    return ((Number) schema.query(sql)).longValue();
  }

  private static void awaitResting(ServeProcess api, List<String> uuids, Duration within)
      throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    while (true) {
      List<String> busy = new ArrayList<>();
      for (String uuid : uuids) {
        JsonNode node = node(api, uuid);
        String state = node.get("provision_state").asText();
        if (!node.get("reservation").isNull()
            || List.of("deploying", "cleaning", "deleting", "verifying").contains(state)) {
          busy.add(uuid + " " + state + " " + node.get("reservation"));
        }
      }
      if (busy.isEmpty()) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not unlocked and resting within " + within + ": " + busy);
      }
      Thread.sleep(200);
    }
  }

  /** Clients deploying and undeploying nodes through the live conductors, recording failures. */
  private static final class Workload {
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger accepted = new AtomicInteger();
    private final Map<String, String> failures = new ConcurrentHashMap<>();
    private final ExecutorService clients = Executors.newFixedThreadPool(4);
    private final List<Future<?>> loops = new ArrayList<>();

    static Workload start(List<ServeProcess> apis, List<String> uuids) {
      Workload workload = new Workload();
      for (int c = 0; c < 4; c++) {
        int client = c;
        workload.loops.add(workload.clients.submit(() -> workload.run(apis, uuids, client)));
      }
      return workload;
    }

    private Void run(List<ServeProcess> apis, List<String> uuids, int client) throws Exception {
      for (int i = 0; running.get(); i++) {
        ServeProcess api = apis.get((client + i) % apis.size());
        String uuid = uuids.get((client * 3 + i) % uuids.size());
        JsonNode node = node(api, uuid);
        String state = node.get("provision_state").asText();
        String target =
            switch (state) {
              case "available" -> "active";
              case "active", "deploy failed" -> "deleted";
              default -> null; // busy: look at another node
            };
        if (target == null) {
          Thread.sleep(50);
          continue;
        }
        HttpResponse<String> response =
            api.send(
                "PUT",
                "/v1/nodes/" + uuid + "/states/provision",
                "1.78",
                "{\"target\":\"" + target + "\"}");
        int status = response.statusCode();
        if (status == 202) {
          accepted.incrementAndGet();
        } else if (status != 409 && status != 400) {
          // 409: another client holds it; 400: its state moved on since we looked. Anything else
          // (a 500, a 503) is a failure of the live conductors.
          failures.put(uuid + " " + target + " " + status, response.body());
        }
      }
      return null;
    }

    void stop() throws Exception {
      running.set(false);
      for (Future<?> loop : loops) {
        loop.get();
      }
      clients.shutdown();
    }

    int accepted() {
      return accepted.get();
    }

    Map<String, String> failures() {
      return failures;
    }
  }
}
