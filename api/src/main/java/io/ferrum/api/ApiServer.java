package io.ferrum.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.ferrum.conductor.Conductor;
import io.ferrum.conductor.DatabaseException;
import io.ferrum.conductor.FerrumException;
import io.ferrum.conductor.Secrets;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ferrum's HTTP API: a compatible subset of Ironic's v1 API (same paths, JSON shapes, status codes,
 * microversion headers and error envelope) over the JDK's HTTP server, in front of a {@link
 * Conductor}. This class is the transport: limits, admission, credentials, the version header,
 * errors and the answer; {@link Routes} lists the resources, one class each, that do the work.
 *
 * <p>Hostile clients are expected ({@link HttpLimits}). Each request is received on its own thread
 * (at most {@code maxConnections}, and at most {@code maxConnectionsPerClient} for one client
 * address once its headers are in), within the read timeout; only a request received in full,
 * headers and body, waits for one of the {@code workers} (a full queue answers 503), and only then
 * are its credentials checked and its work done. So slow senders hold a thread for at most the read
 * timeout and never a worker, and the discovery documents ({@code /}, {@code /v1}), which need
 * neither credentials nor a worker, keep answering. Bodies are parsed strictly ({@link
 * StrictJson}); a database failure is a 503 and any other unexpected failure a 500, both without
 * details, which go to the log under the request id.
 *
 * <p>No answer carries {@code Retry-After}. Ironic sends none, and Ironic's own client
 * (python-ironicclient) cannot read one on any status but 413: it fails on the header instead of
 * retrying its 503s and 409s as it does with Ironic. The message says when to retry.
 *
 * <p>Thread-safe; each request runs on one of the server's threads.
 */
public final class ApiServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger("ferrum.api");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final BasicAuth auth;
  private final Metrics metrics;
  private final HttpLimits limits;
  private final RequestGate gate;
  private final HttpServer server;
  private final ThreadPoolExecutor threads;
  private final AtomicLong refusedConnections = new AtomicLong();
  private final AtomicLong refusedPerClient = new AtomicLong();
  private final ClientSlots clients;
  private final RootResource root = new RootResource();
  private final Router router;

  /**
   * Binds the server with {@link HttpLimits#defaults()} and {@code workers} workers (not yet
   * serving; call {@link #start()}).
   *
   * @param auth basic authentication, or {@code null} for none
   */
  public ApiServer(Conductor conductor, InetSocketAddress address, BasicAuth auth, int workers)
      throws IOException {
    this(conductor, address, auth, workers, null);
  }

  /**
   * Binds the server with {@link HttpLimits#defaults()} and {@code workers} workers, also serving
   * {@code GET /metrics} from {@code metrics} (may be {@code null}: no metrics).
   */
  public ApiServer(
      Conductor conductor, InetSocketAddress address, BasicAuth auth, int workers, Metrics metrics)
      throws IOException {
    this(conductor, address, auth, HttpLimits.defaults().withWorkers(workers), metrics);
  }

  /**
   * Binds the server (not yet serving; call {@link #start()}).
   *
   * @param auth basic authentication, or {@code null} for none
   * @param metrics what {@code GET /metrics} serves, or {@code null}: no metrics
   */
  public ApiServer(
      Conductor conductor,
      InetSocketAddress address,
      BasicAuth auth,
      HttpLimits limits,
      Metrics metrics)
      throws IOException {
    this.auth = auth;
    this.metrics = metrics;
    this.limits = limits;
    this.gate = new RequestGate(limits.workers(), limits.queue(), HttpLimits.QUEUE_WAIT);
    this.clients = new ClientSlots(limits.maxConnectionsPerClient());
    this.router = Routes.of(conductor);
    JdkServerSettings.apply(limits);
    this.server = HttpServer.create(address, 128);
    AtomicInteger count = new AtomicInteger();
    // One thread per request being received or answered, up to maxConnections; no queue: the
    // JDK server closes a connection the executor refuses.
    this.threads =
        new ThreadPoolExecutor(
            limits.maxConnections(),
            limits.maxConnections(),
            30,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            r -> {
              Thread thread = new Thread(r, "ferrum-api-" + count.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            },
            (task, executor) -> {
              if (refusedConnections.getAndIncrement() % 1000 == 0) {
                LOG.warn(
                    "{} requests in progress: closing new connections ({} so far)",
                    limits.maxConnections(),
                    refusedConnections.get());
              }
              throw new RejectedExecutionException("all connection threads are busy");
            });
    threads.allowCoreThreadTimeOut(true);
    server.setExecutor(this.threads);
    server.createContext("/", this::handle);
  }

  /** Starts serving. */
  public void start() {
    server.start();
  }

  /** The address actually bound (the port, when 0 was asked for). */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  /** Requests being received or answered now, each on its own thread. */
  int connectionsInProgress() {
    return threads.getActiveCount();
  }

  /** Requests from {@code client} (an address) being received or answered now. */
  int connectionsInProgressFrom(String client) {
    return clients.inProgress(client);
  }

  /** Requests being processed by a worker now. */
  int busyWorkers() {
    return gate.busy();
  }

  /** Stops taking requests, letting those in progress finish for up to a second. */
  @Override
  public void close() {
    server.stop(1);
    threads.shutdown();
    try {
      threads.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ---- request handling ----

  /**
   * Admits the request if its client address has fewer than {@code maxConnectionsPerClient} in
   * progress; otherwise closes the connection at once, without an answer: an answer would make the
   * JDK server read what is left of the body first, which is what a slow sender never finishes.
   */
  private void handle(HttpExchange exchange) throws IOException {
    String client = exchange.getRemoteAddress().getAddress().getHostAddress();
    if (!clients.enter(client)) {
      if (refusedPerClient.getAndIncrement() % 1000 == 0) {
        LOG.warn(
            "{} already has {} requests in progress: closing its new connections ({} so far)",
            client,
            limits.maxConnectionsPerClient(),
            refusedPerClient.get());
      }
      exchange.close();
      return;
    }
    try {
      serve(exchange);
    } finally {
      clients.leave(client);
    }
  }

  private void serve(HttpExchange exchange) throws IOException {
    long start = System.nanoTime();
    String requestId = "req-" + UUID.randomUUID();
    exchange.getResponseHeaders().set("Openstack-Request-Id", requestId);
    exchange
        .getResponseHeaders()
        .set("X-OpenStack-Ironic-API-Minimum-Version", ApiVersion.MIN.toString());
    exchange
        .getResponseHeaders()
        .set("X-OpenStack-Ironic-API-Maximum-Version", ApiVersion.MAX.toString());
    int status;
    try {
      Response response;
      try {
        response = respond(exchange);
      } catch (ApiException e) {
        response = error(e.status(), e.getMessage());
        e.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
      } catch (DatabaseException e) {
        // One line per refused request: an outage refuses many, and the message says it all.
        LOG.warn(
            "{} {} {}: database unavailable: {}",
            method(exchange),
            path(exchange),
            requestId,
            e.getMessage());
        LOG.debug("{}: stack trace of the database failure", requestId, e);
        response = error(503, "Database unavailable; retry later");
      } catch (FerrumException e) {
        int code = e.kind().httpStatus();
        if (code >= 500 && code != 503) {
          response = internalError(exchange, requestId, e);
        } else {
          response = error(code, Secrets.maskText(e.getMessage()));
        }
      } catch (RuntimeException | Error e) {
        response = internalError(exchange, requestId, e);
      }
      status = response.status();
      if (response.body() instanceof String text) {
        sendText(exchange, status, text);
      } else {
        send(exchange, response);
      }
    } finally {
      exchange.close();
    }
    if (metrics != null) {
      metrics.request(exchange.getRequestMethod(), status, System.nanoTime() - start);
    }
    LOG.info(
        "{} {} {} {}ms {}",
        method(exchange),
        path(exchange),
        status,
        (System.nanoTime() - start) / 1_000_000,
        requestId);
  }

  /** A 500 that says nothing of what broke; the log has it, under the request id. */
  private static Response internalError(HttpExchange exchange, String requestId, Throwable e) {
    LOG.error("{} {} {} failed", method(exchange), path(exchange), requestId, e);
    return error(500, "Internal error; the server's log has the details under " + requestId);
  }

  /**
   * Receives the request in full, then waits for a worker and does it. The discovery documents need
   * neither credentials nor a worker.
   */
  private Response respond(HttpExchange exchange) throws IOException {
    String method = exchange.getRequestMethod();
    List<String> path = pathSegments(exchange.getRequestURI().getRawPath());
    String baseUrl = baseUrl(exchange);
    if (path.isEmpty()) {
      only(method, "GET", "HEAD");
      return Response.json(200, root.root(baseUrl));
    }
    if (path.size() == 1 && path.get(0).equals("v1")) {
      only(method, "GET", "HEAD");
      return Response.json(200, root.v1(baseUrl));
    }
    byte[] body = receiveBody(exchange);
    boolean admitted;
    try {
      admitted = gate.enter();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      admitted = false;
    }
    if (!admitted) {
      throw new ApiException(503, "The API is busy; retry later");
    }
    try {
      if (!RamdiskResource.isPublic(method, path)) {
        authenticate(exchange);
      }
      return route(exchange, path, baseUrl, body);
    } finally {
      gate.leave();
    }
  }

  private void authenticate(HttpExchange exchange) {
    if (auth == null) {
      return;
    }
    String client = exchange.getRemoteAddress().getAddress().getHostAddress();
    BasicAuth.Verdict verdict =
        auth.check(exchange.getRequestHeaders().getFirst("Authorization"), client);
    switch (verdict.result()) {
      case ALLOWED -> {
        return;
      }
      case THROTTLED -> {
        LOG.warn(
            "429 for user \"{}\" from {}: too many failed logins within {} s; refused without a"
                + " check",
            printable(verdict.user()),
            client,
            BasicAuth.FAILURE_WINDOW.toSeconds());
        throw new ApiException(
            429,
            "Too many failed authentication attempts for this user from this address; retry"
                + " in "
                + verdict.retryAfter().toSeconds()
                + " s");
      }
      default -> {
        LOG.warn(
            "401 for {} {} from {}: {}",
            method(exchange),
            path(exchange),
            client,
            verdict.result() == BasicAuth.Result.MISSING
                ? "no basic credentials"
                : "wrong user name or password for user \"" + printable(verdict.user()) + "\"");
        throw new ApiException(401, "Authentication required")
            .withHeader("WWW-Authenticate", "Basic realm=\"ferrum\"");
      }
    }
  }

  /**
   * The request body, read in full before anything else happens (a slow sender holds a thread until
   * the read timeout, never a worker). Larger than the limit: 413 without reading it; once the 413
   * is sent, the JDK server reads and discards up to {@link HttpLimits#MAX_DISCARDED_BODY_BYTES} of
   * the rest before it closes the connection ({@link JdkServerSettings}).
   */
  private byte[] receiveBody(HttpExchange exchange) throws IOException {
    int max = limits.maxBodyBytes();
    String length = exchange.getRequestHeaders().getFirst("Content-Length");
    if (length != null) {
      long declared;
      try {
        declared = Long.parseLong(length.trim());
      } catch (NumberFormatException e) {
        throw new ApiException(400, "Content-Length is not a number");
      }
      if (declared > max) {
        throw tooLarge(max);
      }
    }
    byte[] bytes;
    try (InputStream in = exchange.getRequestBody()) {
      bytes = in.readNBytes(max + 1);
    }
    if (bytes.length > max) {
      throw tooLarge(max);
    }
    return bytes;
  }

  private static ApiException tooLarge(int max) {
    return new ApiException(413, "The request body is larger than " + max + " bytes")
        .withHeader("Connection", "close");
  }

  private Response route(HttpExchange exchange, List<String> path, String baseUrl, byte[] body)
      throws IOException {
    String method = exchange.getRequestMethod();
    Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
    if (path.size() == 1 && path.get(0).equals("metrics") && metrics != null) {
      if (!method.equals("GET")) {
        throw new ApiException(405, "Method not allowed; allowed: GET", "GET");
      }
      return Response.json(200, metrics.scrape());
    }
    String header = exchange.getRequestHeaders().getFirst("X-OpenStack-Ironic-API-Version");
    if (header == null) {
      header = exchange.getRequestHeaders().getFirst("OpenStack-API-Version");
    }
    ApiVersion version = ApiVersion.parse(header);
    exchange.getResponseHeaders().set("X-OpenStack-Ironic-API-Version", version.toString());
    return router.route(
        new Request(exchange, method, path, query, version, baseUrl, body, Map.of()));
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> out = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String key = decode(eq < 0 ? pair : pair.substring(0, eq), "the query");
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1), "the query");
      if (out.put(key, value) != null) {
        throw new ApiException(400, "Query parameter \"" + key + "\" is given twice");
      }
    }
    return out;
  }

  private static void only(String method, String... allowed) {
    for (String a : allowed) {
      if (a.equals(method)) {
        return;
      }
    }
    String list = String.join(", ", allowed);
    throw new ApiException(405, "Method not allowed; allowed: " + list, list);
  }

  private static String hostPort(InetSocketAddress address) {
    return address.getHostString() + ":" + address.getPort();
  }

  /** The path's segments, decoded; a broken escape or a control character is a 400. */
  private static List<String> pathSegments(String rawPath) {
    List<String> path = new ArrayList<>();
    for (String part : rawPath.split("/")) {
      if (!part.isEmpty()) {
        path.add(decode(part, "the path"));
      }
    }
    return path;
  }

  /** Percent-decoding that answers 400 for a broken escape or a control character. */
  private static String decode(String raw, String where) {
    String value;
    try {
      value = URLDecoder.decode(raw, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new ApiException(400, "Malformed %-escape in " + where);
    }
    if (value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw new ApiException(400, "Control characters are not allowed in " + where);
    }
    return value;
  }

  /** {@code http://} and the Host header, if it is a plain host[:port]; else the bound address. */
  private String baseUrl(HttpExchange exchange) {
    String host = exchange.getRequestHeaders().getFirst("Host");
    if (host == null
        || !host.matches("[A-Za-z0-9.\\-]{1,253}(:\\d{1,5})?|\\[[0-9A-Fa-f:.]+\\](:\\d{1,5})?")) {
      host = hostPort(server.getAddress());
    }
    return "http://" + host;
  }

  private static String method(HttpExchange exchange) {
    return printable(exchange.getRequestMethod());
  }

  private static String path(HttpExchange exchange) {
    return printable(exchange.getRequestURI().getRawPath());
  }

  /** {@code text} safe for one log line: at most 200 characters, control characters as '?'. */
  private static String printable(String text) {
    if (text == null) {
      return null;
    }
    String shown = text.length() > 200 ? text.substring(0, 200) + "..." : text;
    return shown.replaceAll("\\p{Cntrl}", "?");
  }

  // ---- responses ----

  /** Ironic's envelope: {"error_message": "<JSON string of faultcode, faultstring, debuginfo>"}. */
  private static Response error(int status, String message) {
    Map<String, Object> inner = new LinkedHashMap<>();
    if (status == 406) {
      inner.put("code", 406);
      inner.put("title", "Not Acceptable");
      inner.put("description", message);
    } else {
      inner.put("faultcode", status >= 500 ? "Server" : "Client");
      inner.put("faultstring", message);
      inner.put("debuginfo", null);
    }
    try {
      return Response.json(status, Map.of("error_message", JSON.writeValueAsString(inner)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void sendText(HttpExchange exchange, int status, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static void send(HttpExchange exchange, Response response) throws IOException {
    response.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
    if (response.status() == 406) {
      exchange.getResponseHeaders().remove("X-OpenStack-Ironic-API-Version");
    }
    if (response.body() == null || exchange.getRequestMethod().equals("HEAD")) {
      exchange.sendResponseHeaders(response.status(), -1);
      return;
    }
    byte[] bytes = JSON.writeValueAsBytes(response.body());
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(response.status(), bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
