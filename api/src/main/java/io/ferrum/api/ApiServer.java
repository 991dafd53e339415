package io.ferrum.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.ferrum.conductor.Conductor;
import io.ferrum.conductor.DatabaseException;
import io.ferrum.conductor.FerrumException;
import io.ferrum.conductor.HistoryEvent;
import io.ferrum.conductor.InterfaceValidation;
import io.ferrum.conductor.Node;
import io.ferrum.conductor.NodePage;
import io.ferrum.conductor.NodeQuery;
import io.ferrum.conductor.NodeSpec;
import io.ferrum.conductor.PatchOperation;
import io.ferrum.conductor.ProvisionRequest;
import io.ferrum.conductor.Secrets;
import io.ferrum.driver.Step;
import io.ferrum.fsm.PowerRequest;
import io.ferrum.fsm.ProvisionMachine;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * Conductor}.
 *
 * <p>Hostile clients are expected ({@link HttpLimits}). Each request is received on its own thread
 * (at most {@code maxConnections}), within the read timeout; only a request received in full,
 * headers and body, waits for one of the {@code workers} (a full queue answers 503), and only then
 * are its credentials checked and its work done. So slow senders hold a thread for at most the read
 * timeout and never a worker, and the discovery documents ({@code /}, {@code /v1}), which need
 * neither credentials nor a worker, keep answering. Bodies are parsed strictly ({@link
 * StrictJson}); a database failure is a 503 and any other unexpected failure a 500, both without
 * details, which go to the log under the request id.
 *
 * <p>Thread-safe; each request runs on one of the server's threads.
 */
public final class ApiServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger("ferrum.api");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> STEP_FIELDS =
      new java.util.TreeSet<>(Set.of("interface", "step", "args"));
  private static final Set<String> CREATE_FIELDS =
      Set.of("driver", "name", "uuid", "driver_info", "instance_info", "properties", "extra");
  private static final Map<String, Integer> VERB_SINCE =
      Map.ofEntries(
          Map.entry("active", 1),
          Map.entry("deleted", 1),
          Map.entry("rebuild", 1),
          Map.entry("manage", 4),
          Map.entry("provide", 4),
          Map.entry("inspect", 6),
          Map.entry("abort", 13),
          Map.entry("clean", 15),
          Map.entry("adopt", 17),
          Map.entry("rescue", 38),
          Map.entry("unrescue", 38),
          Map.entry("deploy", 73),
          Map.entry("undeploy", 73),
          Map.entry("unhold", 85),
          Map.entry("service", 87));

  private final Conductor conductor;
  private final BasicAuth auth;
  private final Metrics metrics;
  private final HttpLimits limits;
  private final RequestGate gate;
  private final HttpServer server;
  private final ThreadPoolExecutor threads;
  private final AtomicLong refusedConnections = new AtomicLong();

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
    this.conductor = conductor;
    this.auth = auth;
    this.metrics = metrics;
    this.limits = limits;
    this.gate = new RequestGate(limits.workers(), limits.queue(), HttpLimits.QUEUE_WAIT);
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

  private record Request(
      HttpExchange exchange,
      String method,
      List<String> path,
      Map<String, String> query,
      ApiVersion version,
      String baseUrl,
      byte[] body) {}

  private record Response(int status, Object body, Map<String, String> headers) {
    static Response json(int status, Object body) {
      return new Response(status, body, Map.of());
    }

    static Response empty(int status, Map<String, String> headers) {
      return new Response(status, null, headers);
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
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
        LOG.error("{} {} {}: database unavailable", method(exchange), path(exchange), requestId, e);
        response = error(503, "Database unavailable; retry later");
        exchange.getResponseHeaders().set("Retry-After", "5");
      } catch (FerrumException e) {
        int code = e.kind().httpStatus();
        if (code >= 500 && code != 503) {
          response = internalError(exchange, requestId, e);
        } else {
          response = error(code, Secrets.maskText(e.getMessage()));
          if (code == 503) {
            exchange.getResponseHeaders().set("Retry-After", "1");
          }
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
      return Response.json(200, root(baseUrl));
    }
    if (path.size() == 1 && path.get(0).equals("v1")) {
      only(method, "GET", "HEAD");
      return Response.json(200, v1(baseUrl));
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
      throw new ApiException(503, "The API is busy; retry later").withHeader("Retry-After", "1");
    }
    try {
      authenticate(exchange);
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
            "429 for {}: more than {} failed logins within {} s; refused without a check",
            client,
            BasicAuth.MAX_FAILURES,
            BasicAuth.FAILURE_WINDOW.toSeconds());
        throw new ApiException(
                429,
                "Too many failed authentication attempts from this address; retry in "
                    + verdict.retryAfter().toSeconds()
                    + " s")
            .withHeader("Retry-After", Long.toString(verdict.retryAfter().toSeconds()));
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
   * the read timeout, never a worker). Larger than the limit: 413 without reading it.
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
      only(method, "GET");
      return Response.json(200, metrics.scrape());
    }
    String header = exchange.getRequestHeaders().getFirst("X-OpenStack-Ironic-API-Version");
    if (header == null) {
      header = exchange.getRequestHeaders().getFirst("OpenStack-API-Version");
    }
    ApiVersion version = ApiVersion.parse(header);
    exchange.getResponseHeaders().set("X-OpenStack-Ironic-API-Version", version.toString());
    Request request = new Request(exchange, method, path, query, version, baseUrl, body);
    if (!path.get(0).equals("v1")) {
      throw notFound();
    }
    String collection = path.get(1);
    if (collection.equals("drivers")) {
      return drivers(request);
    }
    if (collection.equals("nodes")) {
      return nodes(request);
    }
    throw notFound();
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

  private Response nodes(Request r) throws IOException {
    List<String> p = r.path();
    if (p.size() == 2) {
      if (r.method().equals("GET")) {
        return listNodes(r, false);
      }
      only(r.method(), "GET", "POST");
      return createNode(r);
    }
    String ident = p.get(2);
    if (p.size() == 3 && ident.equals("detail")) {
      only(r.method(), "GET");
      return listNodes(r, true);
    }
    requireIdentAllowed(r, ident);
    if (p.size() == 3) {
      switch (r.method()) {
        case "GET" -> {
          return Response.json(200, render(r, conductor.getNode(ident), fields(r)));
        }
        case "PATCH" -> {
          return Response.json(200, render(r, conductor.updateNode(ident, patch(r)), null));
        }
        case "DELETE" -> {
          conductor.deleteNode(ident);
          return Response.empty(204, Map.of());
        }
        default -> throw methodNotAllowed("GET", "PATCH", "DELETE");
      }
    }
    String sub = p.get(3);
    if (p.size() == 4 && sub.equals("states")) {
      only(r.method(), "GET");
      return Response.json(200, states(r, conductor.getNode(ident)));
    }
    if (p.size() == 5 && sub.equals("states") && p.get(4).equals("provision")) {
      only(r.method(), "PUT");
      return provision(r, ident);
    }
    if (p.size() == 5 && sub.equals("states") && p.get(4).equals("power")) {
      only(r.method(), "PUT");
      return power(r, ident);
    }
    if (p.size() == 4 && sub.equals("history")) {
      only(r.method(), "GET");
      requireVersion(r, 78, "Node history");
      return Response.json(200, Map.of("history", history(conductor.history(ident))));
    }
    if (p.size() == 4 && sub.equals("maintenance")) {
      only(r.method(), "PUT", "DELETE");
      return maintenance(r, ident);
    }
    if (p.size() == 4 && sub.equals("validate")) {
      only(r.method(), "GET");
      Map<String, Object> out = new LinkedHashMap<>();
      for (Map.Entry<String, InterfaceValidation> e : conductor.validate(ident).entrySet()) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("result", e.getValue().result());
        result.put("reason", e.getValue().reason());
        out.put(e.getKey(), result);
      }
      return Response.json(200, out);
    }
    throw notFound();
  }

  private Response createNode(Request r) throws IOException {
    ObjectNode body = object(r);
    for (String name : iterable(body.fieldNames())) {
      if (!CREATE_FIELDS.contains(name)) {
        throw new ApiException(
            400,
            "Unknown attribute for node: \""
                + name
                + "\"; Ferrum accepts "
                + new java.util.TreeSet<>(CREATE_FIELDS));
      }
    }
    if (body.has("name") && !r.version().atLeast(5)) {
      throw new ApiException(406, "The \"name\" field needs API version 1.5 or later");
    }
    String initial = r.version().atLeast(11) ? "enroll" : "available";
    Node node =
        conductor.createNode(
            new NodeSpec(
                optionalText(body, "uuid"),
                optionalText(body, "name"),
                requiredText(body, "driver"),
                document(body, "driver_info"),
                document(body, "instance_info"),
                document(body, "properties"),
                document(body, "extra"),
                initial));
    return new Response(
        201, render(r, node, null), Map.of("Location", r.baseUrl() + "/v1/nodes/" + node.uuid()));
  }

  private Response listNodes(Request r, boolean detail) {
    Map<String, String> q = r.query();
    Set<String> known =
        Set.of(
            "provision_state",
            "driver",
            "maintenance",
            "fields",
            "limit",
            "marker",
            "sort_key",
            "sort_dir",
            "associated",
            "detail");
    for (String name : q.keySet()) {
      if (!known.contains(name)) {
        throw new ApiException(400, "Unknown query parameter \"" + name + "\"");
      }
    }
    if (q.containsKey("provision_state") && !r.version().atLeast(9)) {
      throw new ApiException(406, "Filtering by provision_state needs API version 1.9 or later");
    }
    if (q.containsKey("driver") && !r.version().atLeast(16)) {
      throw new ApiException(406, "Filtering by driver needs API version 1.16 or later");
    }
    Set<String> fields = fields(r);
    if (detail && fields != null) {
      throw new ApiException(400, "Can not specify ?fields with /v1/nodes/detail");
    }
    int limit = q.containsKey("limit") ? integer(q.get("limit"), "limit") : NodeQuery.MAX_LIMIT;
    String sortDir = q.getOrDefault("sort_dir", "asc");
    if (!sortDir.equals("asc") && !sortDir.equals("desc")) {
      throw new ApiException(400, "sort_dir must be asc or desc, not \"" + sortDir + "\"");
    }
    Boolean maintenance = null;
    if (q.containsKey("maintenance")) {
      maintenance = bool(q.get("maintenance"), "maintenance");
    }
    NodePage page =
        conductor.listNodes(
            new NodeQuery(
                q.get("provision_state"),
                q.get("driver"),
                maintenance,
                Math.min(limit, NodeQuery.MAX_LIMIT),
                q.get("marker"),
                q.getOrDefault("sort_key", "id"),
                sortDir.equals("desc")));
    Set<String> shown = detail ? null : fields != null ? fields : shortFields(r.version());
    List<Object> nodes = new ArrayList<>();
    for (Node node : page.nodes()) {
      nodes.add(render(r, node, shown));
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("nodes", nodes);
    if (page.nextMarker() != null) {
      StringBuilder next =
          new StringBuilder(r.baseUrl() + "/v1/nodes" + (detail ? "/detail" : "") + "?");
      q.forEach(
          (k, v) -> {
            if (!k.equals("marker")) {
              next.append(k).append('=').append(encode(v)).append('&');
            }
          });
      next.append("marker=").append(page.nextMarker());
      out.put("next", next.toString());
    }
    return Response.json(200, out);
  }

  private Response provision(Request r, String ident) throws IOException {
    ObjectNode body = object(r);
    String target = requiredText(body, "target");
    Integer since = VERB_SINCE.get(target);
    if (since == null) {
      throw new ApiException(
          400,
          "\""
              + target
              + "\" is not a valid provision state target; valid targets: "
              + String.join(", ", ProvisionMachine.VERBS.keySet()));
    }
    if (!r.version().atLeast(since)) {
      throw new ApiException(
          406, "The \"" + target + "\" target needs API version 1." + since + " or later");
    }
    Set<String> allowed =
        Set.of(
            "target",
            "configdrive",
            "clean_steps",
            "deploy_steps",
            "rescue_password",
            "disable_ramdisk",
            "service_steps");
    for (String name : iterable(body.fieldNames())) {
      if (!allowed.contains(name)) {
        throw new ApiException(400, "Unknown attribute for provision request: \"" + name + "\"");
      }
    }
    conductor.provision(
        ident,
        new ProvisionRequest(
            target,
            steps(body, "clean_steps"),
            steps(body, "service_steps"),
            optionalText(body, "rescue_password")));
    return Response.empty(202, Map.of("Location", r.baseUrl() + "/v1/nodes/" + ident + "/states"));
  }

  private Response power(Request r, String ident) throws IOException {
    ObjectNode body = object(r);
    String target = requiredText(body, "target");
    PowerRequest request =
        PowerRequest.fromApiTarget(target)
            .orElseThrow(
                () ->
                    new ApiException(
                        400,
                        "\""
                            + target
                            + "\" is not a valid power target; valid targets: power on,"
                            + " power off, rebooting, soft rebooting, soft power off"));
    Duration timeout = null;
    if (body.has("timeout") && !body.get("timeout").isNull()) {
      if (!r.version().atLeast(27)) {
        throw new ApiException(406, "A power timeout needs API version 1.27 or later");
      }
      JsonNode value = body.get("timeout");
      if (!value.canConvertToInt() || !value.isIntegralNumber() || value.asInt() < 1) {
        throw new ApiException(400, "timeout must be a positive whole number of seconds");
      }
      timeout = Duration.ofSeconds(value.asInt());
    }
    if (request.isSoft() && !r.version().atLeast(27)) {
      throw new ApiException(406, "\"" + target + "\" needs API version 1.27 or later");
    }
    for (String name : iterable(body.fieldNames())) {
      if (!name.equals("target") && !name.equals("timeout")) {
        throw new ApiException(400, "Unknown attribute for power request: \"" + name + "\"");
      }
    }
    conductor.power(ident, target, timeout);
    return Response.empty(202, Map.of("Location", r.baseUrl() + "/v1/nodes/" + ident + "/states"));
  }

  private Response maintenance(Request r, String ident) throws IOException {
    List<PatchOperation> patch = new ArrayList<>();
    if (r.method().equals("PUT")) {
      String reason = null;
      if (hasBody(r)) {
        reason = optionalText(object(r), "reason");
      }
      patch.add(PatchOperation.replace("/maintenance", true));
      patch.add(PatchOperation.replace("/maintenance_reason", reason));
    } else {
      patch.add(PatchOperation.replace("/maintenance", false));
      patch.add(PatchOperation.replace("/maintenance_reason", null));
    }
    conductor.updateNode(ident, patch);
    return Response.empty(202, Map.of());
  }

  private Response drivers(Request r) {
    only(r.method(), "GET");
    List<Object> drivers = new ArrayList<>();
    for (String name : conductor.drivers()) {
      Map<String, Object> driver = new LinkedHashMap<>();
      driver.put("hosts", List.of(conductor.name()));
      driver.put("name", name);
      driver.put("type", "dynamic");
      driver.put("links", NodeView.links(r.baseUrl(), "drivers/" + name));
      driver.put("properties", NodeView.links(r.baseUrl(), "drivers/" + name + "/properties"));
      drivers.add(driver);
    }
    if (r.path().size() == 3) {
      return drivers.stream()
          .filter(d -> ((Map<?, ?>) d).get("name").equals(r.path().get(2)))
          .findFirst()
          .map(d -> Response.json(200, d))
          .orElseThrow(
              () ->
                  new ApiException(
                      404,
                      "Could not find the following driver(s) or hardware"
                          + " type(s): "
                          + r.path().get(2)
                          + "."));
    }
    if (r.path().size() > 3) {
      throw notFound();
    }
    return Response.json(200, Map.of("drivers", drivers));
  }

  // ---- documents ----

  private Map<String, Object> root(String baseUrl) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("name", "OpenStack Ironic API");
    out.put("description", "Ferrum: an Ironic-compatible bare metal conductor.");
    Map<String, Object> v1 = version(baseUrl);
    out.put("default_version", v1);
    out.put("versions", List.of(v1));
    return out;
  }

  private static Map<String, Object> version(String baseUrl) {
    Map<String, Object> v1 = new LinkedHashMap<>();
    v1.put("id", "v1");
    v1.put("links", List.of(Map.of("href", baseUrl + "/v1/", "rel", "self")));
    v1.put("status", "CURRENT");
    v1.put("min_version", ApiVersion.MIN.toString());
    v1.put("version", ApiVersion.MAX.toString());
    return v1;
  }

  private Map<String, Object> v1(String baseUrl) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", "v1");
    out.put(
        "links",
        List.of(
            Map.of("href", baseUrl + "/v1/", "rel", "self"),
            Map.of(
                "href", "https://docs.openstack.org/ironic/latest/contributor/webapi.html",
                "rel", "describedby",
                "type", "text/html")));
    out.put(
        "media_types",
        List.of(
            Map.of(
                "base", "application/json", "type", "application/vnd.openstack.ironic.v1+json")));
    out.put("nodes", NodeView.links(baseUrl, "nodes"));
    out.put("drivers", NodeView.links(baseUrl, "drivers"));
    out.put("version", version(baseUrl));
    return out;
  }

  private Map<String, Object> render(Request r, Node node, Set<String> fields) {
    return NodeView.render(node, r.version(), fields, r.baseUrl(), conductor.name());
  }

  private Map<String, Object> states(Request r, Node node) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("console_enabled", false);
    out.put("last_error", Secrets.maskText(node.lastError()));
    out.put("power_state", node.powerState());
    out.put("provision_state", node.provisionState());
    out.put("target_power_state", node.targetPowerState());
    out.put("target_provision_state", node.targetProvisionState());
    out.put("provision_updated_at", NodeView.time(node.provisionUpdatedAt()));
    if (r.version().atLeast(12)) {
      out.put("raid_config", Map.of());
      out.put("target_raid_config", Map.of());
    }
    if (r.version().atLeast(75)) {
      out.put("boot_mode", null);
      out.put("secure_boot", null);
    }
    return out;
  }

  private static List<Object> history(List<HistoryEvent> events) {
    List<Object> out = new ArrayList<>();
    for (HistoryEvent e : events) {
      Map<String, Object> item = new LinkedHashMap<>();
      item.put("uuid", e.uuid());
      item.put("created_at", NodeView.time(e.createdAt()));
      item.put("severity", e.severity());
      item.put("event_type", e.eventType());
      item.put(
          "event",
          e.message() != null
              ? e.message()
              : e.event() + ": " + e.fromState() + " -> " + e.toState());
      item.put("conductor", e.conductor());
      item.put("user", null);
      out.add(item);
    }
    return out;
  }

  // ---- parsing ----

  private Set<String> fields(Request r) {
    String value = r.query().get("fields");
    if (value == null) {
      return null;
    }
    if (!r.version().atLeast(8)) {
      throw new ApiException(406, "The fields parameter needs API version 1.8 or later");
    }
    Set<String> known = NodeView.fieldNames(r.version());
    Set<String> fields = new LinkedHashSet<>();
    for (String field : value.split(",")) {
      String name = field.trim();
      if (!known.contains(name)) {
        throw new ApiException(400, "Field(s) \"" + name + "\" are not valid");
      }
      fields.add(name);
    }
    fields.add("uuid");
    return fields;
  }

  private static Set<String> shortFields(ApiVersion version) {
    Set<String> fields = new LinkedHashSet<>(NodeView.SHORT_FIELDS);
    if (!version.atLeast(5)) {
      fields.remove("name");
    }
    return fields;
  }

  private static void requireIdentAllowed(Request r, String ident) {
    boolean uuid = ident.length() == 36 && ident.chars().filter(c -> c == '-').count() == 4;
    if (!uuid && !r.version().atLeast(5)) {
      // Before 1.5 nodes are addressed by UUID only: a name is simply not found, as in Ironic.
      throw new ApiException(404, "Node " + ident + " could not be found.");
    }
  }

  private static void requireVersion(Request r, int minor, String what) {
    if (!r.version().atLeast(minor)) {
      throw new ApiException(406, what + " needs API version 1." + minor + " or later");
    }
  }

  private List<PatchOperation> patch(Request r) throws IOException {
    JsonNode body = body(r);
    if (!body.isArray() || body.isEmpty()) {
      throw new ApiException(400, "A PATCH body must be a non-empty JSON array of operations");
    }
    List<PatchOperation> ops = new ArrayList<>();
    for (JsonNode op : body) {
      if (!op.isObject() || !op.path("op").isTextual() || !op.path("path").isTextual()) {
        throw new ApiException(400, "Each patch operation needs string \"op\" and \"path\"");
      }
      String name = op.get("op").asText();
      if ((name.equals("add") || name.equals("replace")) && !op.has("value")) {
        throw new ApiException(400, "Patch operation \"" + name + "\" needs a \"value\"");
      }
      ops.add(
          new PatchOperation(
              name,
              op.get("path").asText(),
              op.has("value") ? JSON.convertValue(op.get("value"), Object.class) : null));
    }
    return ops;
  }

  private static boolean hasBody(Request r) {
    return r.body().length > 0;
  }

  private static ObjectNode object(Request r) throws IOException {
    JsonNode body = body(r);
    if (!(body instanceof ObjectNode object)) {
      throw new ApiException(400, "The request body must be a JSON object");
    }
    return object;
  }

  private static JsonNode body(Request r) throws IOException {
    String type = r.exchange().getRequestHeaders().getFirst("Content-Type");
    if (type != null && !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
      throw new ApiException(
          415, "Unsupported Content-Type \"" + type + "\"; use application/json");
    }
    if (r.body().length == 0) {
      throw new ApiException(400, "The request needs a JSON body");
    }
    return StrictJson.parse(r.body());
  }

  private static String requiredText(ObjectNode body, String field) {
    JsonNode value = body.get(field);
    if (value == null || value.isNull()) {
      throw new ApiException(400, "Missing mandatory field \"" + field + "\"");
    }
    if (!value.isTextual()) {
      throw new ApiException(400, "\"" + field + "\" must be a string");
    }
    return value.asText();
  }

  private static String optionalText(ObjectNode body, String field) {
    JsonNode value = body.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw new ApiException(400, "\"" + field + "\" must be a string");
    }
    return value.asText();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> document(ObjectNode body, String field) {
    JsonNode value = body.get(field);
    if (value == null || value.isNull()) {
      return Map.of();
    }
    if (!value.isObject()) {
      throw new ApiException(400, "\"" + field + "\" must be a JSON object");
    }
    return JSON.convertValue(value, Map.class);
  }

  @SuppressWarnings("unchecked")
  private static List<Step> steps(ObjectNode body, String field) {
    JsonNode value = body.get(field);
    if (value == null || value.isNull()) {
      return List.of();
    }
    if (!value.isArray()) {
      throw new ApiException(400, "\"" + field + "\" must be a JSON array of steps");
    }
    List<Step> steps = new ArrayList<>();
    for (int i = 0; i < value.size(); i++) {
      JsonNode step = value.get(i);
      String at = field + "[" + i + "]";
      if (!step.isObject()
          || !step.path("interface").isTextual()
          || !step.path("step").isTextual()) {
        throw new ApiException(400, "\"" + at + "\" needs string \"interface\" and \"step\"");
      }
      for (String name : iterable(step.fieldNames())) {
        if (!STEP_FIELDS.contains(name)) {
          throw new ApiException(
              400, "\"" + at + "\" has an unknown field \"" + name + "\"; allowed: " + STEP_FIELDS);
        }
      }
      JsonNode args = step.get("args");
      if (args != null && !args.isNull() && !args.isObject()) {
        throw new ApiException(400, "\"" + at + ".args\" must be a JSON object");
      }
      Map<String, Object> values =
          args == null || args.isNull() ? Map.of() : JSON.convertValue(args, Map.class);
      steps.add(new Step(step.get("interface").asText(), step.get("step").asText(), values));
    }
    return steps;
  }

  private static int integer(String value, String name) {
    try {
      int number = Integer.parseInt(value);
      if (number < 1) {
        throw new NumberFormatException();
      }
      return number;
    } catch (NumberFormatException e) {
      throw new ApiException(400, name + " must be a positive whole number, not \"" + value + "\"");
    }
  }

  private static boolean bool(String value, String name) {
    return switch (value.toLowerCase(java.util.Locale.ROOT)) {
      case "true", "1", "yes", "on" -> true;
      case "false", "0", "no", "off" -> false;
      default ->
          throw new ApiException(400, name + " must be true or false, not \"" + value + "\"");
    };
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

  private static String encode(String value) {
    return java.net.URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private static void only(String method, String... allowed) {
    for (String a : allowed) {
      if (a.equals(method)) {
        return;
      }
    }
    throw methodNotAllowed(allowed);
  }

  private static ApiException methodNotAllowed(String... allowed) {
    String list = String.join(", ", allowed);
    return new ApiException(405, "Method not allowed; allowed: " + list, list);
  }

  private static ApiException notFound() {
    return new ApiException(404, "The resource could not be found.");
  }

  private static <T> Iterable<T> iterable(java.util.Iterator<T> iterator) {
    return () -> iterator;
  }

  private static String hostPort(InetSocketAddress address) {
    return address.getHostString() + ":" + address.getPort();
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
