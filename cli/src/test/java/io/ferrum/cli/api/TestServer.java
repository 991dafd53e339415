package io.ferrum.cli.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferrum.conductor.Conductor;
import io.ferrum.conductor.ConnectionPool;
import io.ferrum.conductor.Databases;
import io.ferrum.conductor.NotificationSink;
import io.ferrum.conductor.WorkerPool;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;

/** An API server on a free loopback port over a fresh in-memory database, and a raw client. */
final class TestServer implements AutoCloseable {

  static final ObjectMapper JSON = new ObjectMapper();

  final ConnectionPool pool;
  final Conductor conductor;
  final ApiServer server;
  final String url;
  private final HttpClient http = HttpClient.newHttpClient();

  TestServer(WorkerPool workers, BasicAuth auth) throws IOException {
    this(workers, auth, null);
  }

  TestServer(WorkerPool workers, BasicAuth auth, Metrics metrics) throws IOException {
    pool =
        Databases.pooled("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", null, null, 10);
    Conductor.Builder builder =
        Conductor.builder()
            .dataSource(pool)
            .name("api-test")
            .notificationSink(metrics != null ? metrics : NotificationSink.none())
            .lockWait(Duration.ofMillis(10))
            .timeoutCheckInterval(Duration.ZERO)
            .powerSyncInterval(Duration.ZERO);
    if (workers != null) {
      builder.workerPool(workers);
    }
    conductor = builder.build();
    if (metrics != null) {
      metrics.bind(conductor);
    }
    server = new ApiServer(conductor, new InetSocketAddress("127.0.0.1", 0), auth, 8, metrics);
    server.start();
    url = "http://127.0.0.1:" + server.address().getPort();
  }

  TestServer() throws IOException {
    this(null, null);
  }

  /** A response: status, headers and parsed body (null when empty). */
  record Reply(int status, HttpResponse<String> raw, JsonNode body) {
    String header(String name) {
      return raw.headers().firstValue(name).orElse(null);
    }

    /** The faultstring of Ironic's double-encoded error envelope. */
    String fault() throws IOException {
      JsonNode inner = JSON.readTree(body.get("error_message").asText());
      return inner.has("faultstring")
          ? inner.get("faultstring").asText()
          : inner.get("description").asText();
    }
  }

  Reply call(String method, String path, String version, String body) throws Exception {
    return call(method, path, version, body, "application/json", null);
  }

  Reply call(
      String method, String path, String version, String body, String type, String authorization)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + path));
    if (version != null) {
      request.header("X-OpenStack-Ironic-API-Version", version);
    }
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    request.header("X-Auth-Token", "notused");
    if (body != null) {
      request.header("Content-Type", type);
      request.method(method, HttpRequest.BodyPublishers.ofString(body));
    } else {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    }
    HttpResponse<String> response =
        http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    boolean json =
        response.headers().firstValue("Content-Type").orElse("").startsWith("application/json");
    JsonNode parsed = response.body().isEmpty() || !json ? null : JSON.readTree(response.body());
    return new Reply(response.statusCode(), response, parsed);
  }

  Reply get(String path) throws Exception {
    return call("GET", path, "1.78", null);
  }

  @Override
  public void close() {
    server.close();
    conductor.close();
    pool.close();
  }
}
