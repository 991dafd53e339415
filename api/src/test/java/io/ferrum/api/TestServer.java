package io.ferrum.api;

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
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;

/**
 * An API server on a free loopback port over a fresh in-memory database, and a raw client. Shared
 * with the CLI's tests through this module's test jar. Not thread-safe, except {@link #call}.
 */
public final class TestServer implements AutoCloseable {

  static final ObjectMapper JSON = new ObjectMapper();

  final ConnectionPool pool;
  final Conductor conductor;
  final ApiServer server;

  /** The server's base URL, {@code http://127.0.0.1:PORT}. */
  public final String url;

  private final HttpClient http = HttpClient.newHttpClient();

  /** How a test server is made; every field has a default. Not thread-safe. */
  static final class Options {
    WorkerPool workers;
    BasicAuth auth;
    Metrics metrics;
    NotificationSink sink;
    HttpLimits limits = HttpLimits.defaults().withWorkers(8);
    Consumer<Conductor.Builder> conductor = builder -> {};
    UnaryOperator<DataSource> database = UnaryOperator.identity();

    Options auth(BasicAuth value) {
      this.auth = value;
      return this;
    }

    Options limits(HttpLimits value) {
      this.limits = value;
      return this;
    }

    Options sink(NotificationSink value) {
      this.sink = value;
      return this;
    }

    Options conductor(Consumer<Conductor.Builder> value) {
      this.conductor = value;
      return this;
    }

    Options database(UnaryOperator<DataSource> value) {
      this.database = value;
      return this;
    }
  }

  TestServer(WorkerPool workers, BasicAuth auth) throws IOException {
    this(workers, auth, null);
  }

  TestServer(WorkerPool workers, BasicAuth auth, Metrics metrics) throws IOException {
    this(options(workers, auth, metrics));
  }

  private static Options options(WorkerPool workers, BasicAuth auth, Metrics metrics) {
    Options options = new Options();
    options.workers = workers;
    options.auth = auth;
    options.metrics = metrics;
    return options;
  }

  TestServer(Options options) throws IOException {
    pool =
        Databases.pooled("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", null, null, 10);
    NotificationSink sink =
        options.sink != null
            ? options.sink
            : options.metrics != null ? options.metrics : NotificationSink.none();
    Conductor.Builder builder =
        Conductor.builder()
            .dataSource(options.database.apply(pool))
            .name("api-test")
            .notificationSink(sink)
            .lockWait(Duration.ofMillis(10))
            .timeoutCheckInterval(Duration.ZERO)
            .powerSyncInterval(Duration.ZERO);
    if (options.workers != null) {
      builder.workerPool(options.workers);
    }
    options.conductor.accept(builder);
    conductor = builder.build();
    if (options.metrics != null) {
      options.metrics.bind(conductor);
    }
    server =
        new ApiServer(
            conductor,
            new InetSocketAddress("127.0.0.1", 0),
            options.auth,
            options.limits,
            options.metrics);
    server.start();
    url = "http://127.0.0.1:" + server.address().getPort();
  }

  /** The conductor behind the server, for tests that check what a request stored. */
  public Conductor conductor() {
    return conductor;
  }

  /** A server with the real worker pool and no authentication. */
  public TestServer() throws IOException {
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
    return send(
        HttpRequest.newBuilder(URI.create(url + path)), method, version, body, type, authorization);
  }

  /** A request with a JSON body (or none) that must be answered within {@code deadline}. */
  Reply callWithin(
      Duration deadline,
      String method,
      String path,
      String version,
      String body,
      String authorization)
      throws Exception {
    return send(
        HttpRequest.newBuilder(URI.create(url + path)).timeout(deadline),
        method,
        version,
        body,
        "application/json",
        authorization);
  }

  private Reply send(
      HttpRequest.Builder request,
      String method,
      String version,
      String body,
      String type,
      String authorization)
      throws Exception {
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

  /** A raw HTTP/1.1 exchange over a socket: what the server answers to {@code request}. */
  record RawReply(int status, String head, String body) {}

  /**
   * Sends {@code request} as bytes on a new connection and reads one answer: status, headers and a
   * body of Content-Length bytes (or up to the close). Status -1: closed without an answer.
   */
  RawReply raw(byte[] request) throws IOException {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.address().getPort())) {
      socket.setSoTimeout(30_000);
      socket.getOutputStream().write(request);
      socket.getOutputStream().flush();
      java.io.InputStream in = socket.getInputStream();
      java.io.ByteArrayOutputStream head = new java.io.ByteArrayOutputStream();
      int matched = 0;
      while (matched < 4) {
        int b;
        try {
          b = in.read();
        } catch (java.net.SocketException e) {
          b = -1; // reset by the server
        }
        if (b < 0) {
          return new RawReply(-1, head.toString(java.nio.charset.StandardCharsets.ISO_8859_1), "");
        }
        head.write(b);
        matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
      }
      String headText = head.toString(java.nio.charset.StandardCharsets.ISO_8859_1);
      int status = Integer.parseInt(headText.substring(9, 12));
      java.util.regex.Matcher length =
          java.util.regex.Pattern.compile("(?i)content-length:\\s*(\\d+)").matcher(headText);
      byte[] body = length.find() ? in.readNBytes(Integer.parseInt(length.group(1))) : new byte[0];
      return new RawReply(
          status, headText, new String(body, java.nio.charset.StandardCharsets.UTF_8));
    }
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
