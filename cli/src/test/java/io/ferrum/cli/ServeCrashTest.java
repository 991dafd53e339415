package io.ferrum.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
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
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void killNineAfterAcknowledgedWrites_embeddedH2_nothingLost(@TempDir Path dir) throws Exception {
    killNineAfterAcknowledgedWrites(
        List.of("--data-dir", dir.resolve("data").toString()), dir.resolve("log"));
  }

  @Test
  void killNineAfterAcknowledgedWrites_postgres_nothingLost(@TempDir Path dir) throws Exception {
    String url = System.getenv("FERRUM_TEST_PG_URL");
    String require = System.getenv("FERRUM_TEST_REQUIRE");
    if (url == null || url.isBlank()) {
      if (require != null && require.toLowerCase(Locale.ROOT).contains("postgres")) {
        throw new IllegalStateException(
            "PostgreSQL is required here but FERRUM_TEST_PG_URL is unset");
      }
      Assumptions.abort("PostgreSQL tests skipped: set FERRUM_TEST_PG_URL to run them");
    }
    String schema =
        "ferrum_crash_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    exec(url, "CREATE SCHEMA " + schema);
    try {
      String schemaUrl = url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
      killNineAfterAcknowledgedWrites(List.of("--db-url", schemaUrl), dir.resolve("log"));
    } finally {
      exec(url, "DROP SCHEMA " + schema + " CASCADE");
    }
  }

  private static void killNineAfterAcknowledgedWrites(List<String> database, Path log)
      throws Exception {
    List<String> created = new ArrayList<>();
    List<String> deploying = new ArrayList<>();
    Child first = Child.start(database, log);
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

    Child second = Child.start(database, log);
    try {
      for (String uuid : created) {
        HttpResponse<String> node = second.send("GET", "/v1/nodes/" + uuid, "1.78", null);
        assertThat(node.statusCode()).as("node %s after kill -9", uuid).isEqualTo(200);
      }
      for (String uuid : deploying) {
        JsonNode node = JSON.readTree(second.send("GET", "/v1/nodes/" + uuid, "1.78", null).body());
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

  /** One {@code ferrum serve} child process. */
  private record Child(Process process, String url) {

    static Child start(List<String> database, Path log) throws Exception {
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.add("-cp");
      command.add(System.getProperty("java.class.path"));
      command.add(Ferrum.class.getName());
      command.addAll(List.of("serve", "--port", "0", "--name", "crash"));
      command.addAll(database);
      Process process =
          new ProcessBuilder(command)
              .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      CompletableFuture<String> url =
          CompletableFuture.supplyAsync(
              () -> {
                Pattern serving = Pattern.compile("on (http://\\S+)");
                try {
                  for (String line = out.readLine(); line != null; line = out.readLine()) {
                    Matcher m = serving.matcher(line);
                    if (m.find()) {
                      Thread drain =
                          new Thread(
                              () -> {
                                try {
                                  while (out.readLine() != null) {
                                    // keep the pipe empty
                                  }
                                } catch (java.io.IOException e) {
                                  // the child ended
                                }
                              });
                      drain.setDaemon(true);
                      drain.start();
                      return m.group(1);
                    }
                  }
                } catch (java.io.IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
                throw new IllegalStateException("ferrum serve ended before serving; see " + log);
              });
      try {
        return new Child(process, url.get(90, TimeUnit.SECONDS));
      } catch (Exception e) {
        process.destroyForcibly();
        throw e;
      }
    }

    HttpResponse<String> send(String method, String path, String version, String body)
        throws Exception {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(URI.create(url + path))
              .timeout(Duration.ofSeconds(30))
              .header("X-OpenStack-Ironic-API-Version", version);
      if (body == null) {
        request.method(method, HttpRequest.BodyPublishers.noBody());
      } else {
        request
            .header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofString(body));
      }
      return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** SIGKILL: no shutdown hook, no flush, nothing but what is already on disk survives. */
    void kill() throws InterruptedException {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }

  private static void exec(String url, String sql) throws Exception {
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
