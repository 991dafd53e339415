package io.ferrum.driver.redfish;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small stateful Redfish service on 127.0.0.1 for tests, its documents written after the DMTF
 * Redfish schema (ServiceRoot, ComputerSystemCollection, ComputerSystem with the {@code
 * #ComputerSystem.Reset} action and its {@code ResetType@Redfish.AllowableValues}, {@code Boot}
 * override properties, {@code @odata.etag}) and its error format ({@code error} with
 * {@code @Message.ExtendedInfo}). One system, {@code /redfish/v1/Systems/1}; HTTP basic
 * authentication ({@code 401} otherwise); {@code PATCH} checks {@code If-Match} ({@code 412} on a
 * stale ETag).
 *
 * <p>Knobs: {@link #busy} answers that many requests with {@code 503} and {@code Retry-After: 1};
 * {@link #resetTypes} is what the system advertises; {@link #ignoreGracefulShutdown} leaves the
 * power on after a graceful shutdown; {@link #sessionService} false answers 404 for sessions;
 * {@link #expireSessions} ends every session. Every request is recorded in {@link #requests}.
 * Thread-safe (every handler is synchronized).
 */
final class RedfishService implements AutoCloseable {

  static final String USER = "root";
  static final String PASSWORD = "calvin";
  static final String SYSTEM = "/redfish/v1/Systems/1";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  final AtomicInteger busy = new AtomicInteger();
  final List<String> requests = Collections.synchronizedList(new ArrayList<>());
  volatile List<String> resetTypes =
      List.of(
          "On",
          "ForceOff",
          "GracefulShutdown",
          "GracefulRestart",
          "ForceRestart",
          "Nmi",
          "PowerCycle");
  volatile boolean ignoreGracefulShutdown;
  volatile boolean sessionService = true;
  private final java.util.Set<String> sessions = new java.util.HashSet<>();
  private int sessionCount;

  private String power = "Off";
  private String bootTarget = "None";
  private String bootEnabled = "Disabled";
  private String bootMode = "Legacy";
  private int generation = 1;
  private int nmis;

  RedfishService() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  /** {@code http://127.0.0.1:PORT}. */
  String address() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  Map<String, Object> driverInfo() {
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("redfish_address", address());
    info.put("redfish_system_id", SYSTEM);
    info.put("redfish_username", USER);
    info.put("redfish_password", PASSWORD);
    return info;
  }

  synchronized String power() {
    return power;
  }

  synchronized void power(String value) {
    power = value;
  }

  synchronized String boot() {
    return bootTarget + "/" + bootEnabled;
  }

  synchronized String bootMode() {
    return bootMode;
  }

  synchronized int nmis() {
    return nmis;
  }

  private synchronized void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      // One request per connection, said out loud: a client that asked for "Connection: close"
      // (python-requests does) may otherwise reuse a connection the JDK server has closed.
      exchange.getResponseHeaders().set("Connection", "close");
      String method = exchange.getRequestMethod();
      String path = exchange.getRequestURI().getRawPath();
      requests.add(method + " " + path);
      if (busy.get() > 0) {
        busy.decrementAndGet();
        exchange.getResponseHeaders().add("Retry-After", "1");
        error(exchange, 503, "Base.1.8.ServiceTemporarilyUnavailable", "Try again later.");
        return;
      }
      String expected =
          "Basic "
              + Base64.getEncoder()
                  .encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
      if (method.equals("POST") && path.equals("/redfish/v1/SessionService/Sessions")) {
        openSession(exchange);
        return;
      }
      if (!path.equals("/redfish/v1") && !path.equals("/redfish/v1/")) {
        String token = exchange.getRequestHeaders().getFirst("X-Auth-Token");
        boolean session = token != null && sessions.contains(token);
        if (!session && !expected.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
          exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"Redfish\"");
          error(exchange, 401, "Base.1.8.NoValidSession", "No valid session or credentials.");
          return;
        }
      }
      switch (method + " " + path) {
        case "GET /redfish/v1", "GET /redfish/v1/" -> send(exchange, 200, serviceRoot());
        case "GET /redfish/v1/Systems" -> send(exchange, 200, systems());
        case "GET " + SYSTEM -> send(exchange, 200, system());
        case "PATCH " + SYSTEM -> patch(exchange);
        case "POST " + SYSTEM + "/Actions/ComputerSystem.Reset" -> reset(exchange);
        case "GET " + SYSTEM + "/Processors" ->
            send(exchange, 200, collection(SYSTEM + "/Processors", SYSTEM + "/Processors/CPU1"));
        case "GET " + SYSTEM + "/Processors/CPU1" -> send(exchange, 200, processor());
        case "GET " + SYSTEM + "/Storage" ->
            send(exchange, 200, collection(SYSTEM + "/Storage", SYSTEM + "/Storage/1"));
        case "GET " + SYSTEM + "/Storage/1" -> send(exchange, 200, storage());
        case "GET " + SYSTEM + "/Storage/1/Drives/0", "GET " + SYSTEM + "/Storage/1/Drives/1" ->
            send(exchange, 200, drive(path));
        default ->
            error(exchange, 404, "Base.1.8.ResourceMissingAtURI", "The resource was not found.");
      }
    }
  }

  private void openSession(HttpExchange exchange) throws IOException {
    if (!sessionService) {
      error(exchange, 404, "Base.1.8.ResourceMissingAtURI", "The resource was not found.");
      return;
    }
    JsonNode credentials = JSON.readTree(exchange.getRequestBody());
    if (!USER.equals(credentials.path("UserName").asText())
        || !PASSWORD.equals(credentials.path("Password").asText())) {
      error(exchange, 401, "Base.1.8.NoValidSession", "No valid session or credentials.");
      return;
    }
    sessionCount++;
    String token = "token-" + sessionCount + "-" + System.nanoTime();
    sessions.add(token);
    String location = "/redfish/v1/SessionService/Sessions/" + sessionCount;
    exchange.getResponseHeaders().add("X-Auth-Token", token);
    exchange.getResponseHeaders().add("Location", location);
    send(
        exchange,
        201,
        Map.of("@odata.id", location, "Id", Integer.toString(sessionCount), "UserName", USER));
  }

  /** Sessions opened so far. */
  synchronized int sessionsOpened() {
    return sessionCount;
  }

  /** Ends every session, as a BMC does when sessions time out. */
  synchronized void expireSessions() {
    sessions.clear();
  }

  private Map<String, Object> serviceRoot() {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("@odata.id", "/redfish/v1");
    root.put("@odata.type", "#ServiceRoot.v1_11_0.ServiceRoot");
    root.put("Id", "RootService");
    root.put("Name", "Root Service");
    root.put("RedfishVersion", "1.11.0");
    root.put("Systems", Map.of("@odata.id", "/redfish/v1/Systems"));
    root.put("SessionService", Map.of("@odata.id", "/redfish/v1/SessionService"));
    root.put(
        "Links", Map.of("Sessions", Map.of("@odata.id", "/redfish/v1/SessionService/Sessions")));
    return root;
  }

  private Map<String, Object> systems() {
    Map<String, Object> collection = new LinkedHashMap<>();
    collection.put("@odata.id", "/redfish/v1/Systems");
    collection.put("@odata.type", "#ComputerSystemCollection.ComputerSystemCollection");
    collection.put("Name", "Computer System Collection");
    collection.put("Members@odata.count", 1);
    collection.put("Members", List.of(Map.of("@odata.id", SYSTEM)));
    return collection;
  }

  private Map<String, Object> system() {
    Map<String, Object> system = new LinkedHashMap<>();
    system.put("@odata.id", SYSTEM);
    system.put("@odata.type", "#ComputerSystem.v1_13_0.ComputerSystem");
    system.put("@odata.etag", etag());
    system.put("Id", "1");
    system.put("Name", "Test system");
    system.put("PowerState", power);
    system.put("ProcessorSummary", Map.of("Count", 8, "Model", "Test CPU"));
    system.put("MemorySummary", Map.of("TotalSystemMemoryGiB", 16));
    system.put("Processors", Map.of("@odata.id", SYSTEM + "/Processors"));
    system.put("Storage", Map.of("@odata.id", SYSTEM + "/Storage"));
    Map<String, Object> boot = new LinkedHashMap<>();
    boot.put("BootSourceOverrideEnabled", bootEnabled);
    boot.put("BootSourceOverrideTarget", bootTarget);
    boot.put("BootSourceOverrideMode", bootMode);
    boot.put(
        "BootSourceOverrideTarget@Redfish.AllowableValues",
        List.of("None", "Pxe", "Hdd", "Cd", "BiosSetup"));
    system.put("Boot", boot);
    Map<String, Object> reset = new LinkedHashMap<>();
    reset.put("target", SYSTEM + "/Actions/ComputerSystem.Reset");
    reset.put("ResetType@Redfish.AllowableValues", resetTypes);
    system.put("Actions", Map.of("#ComputerSystem.Reset", reset));
    return system;
  }

  private static Map<String, Object> collection(String path, String member) {
    Map<String, Object> collection = new LinkedHashMap<>();
    collection.put("@odata.id", path);
    collection.put("Members@odata.count", 1);
    collection.put("Members", List.of(Map.of("@odata.id", member)));
    return collection;
  }

  private static Map<String, Object> processor() {
    Map<String, Object> cpu = new LinkedHashMap<>();
    cpu.put("@odata.id", SYSTEM + "/Processors/CPU1");
    cpu.put("@odata.type", "#Processor.v1_10_0.Processor");
    cpu.put("ProcessorType", "CPU");
    cpu.put("ProcessorArchitecture", "x86");
    cpu.put("InstructionSet", "x86-64");
    cpu.put("TotalCores", 8);
    return cpu;
  }

  private static Map<String, Object> storage() {
    Map<String, Object> storage = new LinkedHashMap<>();
    storage.put("@odata.id", SYSTEM + "/Storage/1");
    storage.put("@odata.type", "#Storage.v1_9_0.Storage");
    storage.put(
        "Drives",
        List.of(
            Map.of("@odata.id", SYSTEM + "/Storage/1/Drives/0"),
            Map.of("@odata.id", SYSTEM + "/Storage/1/Drives/1")));
    return storage;
  }

  private static Map<String, Object> drive(String path) {
    Map<String, Object> drive = new LinkedHashMap<>();
    drive.put("@odata.id", path);
    drive.put("@odata.type", "#Drive.v1_9_0.Drive");
    // 100 GiB and 480 GiB.
    drive.put("CapacityBytes", path.endsWith("/0") ? 107374182400L : 515396075520L);
    return drive;
  }

  private String etag() {
    return "W/\"" + generation + "\"";
  }

  private void patch(HttpExchange exchange) throws IOException {
    String ifMatch = exchange.getRequestHeaders().getFirst("If-Match");
    if (ifMatch != null && !ifMatch.equals(etag())) {
      error(exchange, 412, "Base.1.8.PreconditionFailed", "The ETag does not match.");
      return;
    }
    JsonNode boot = JSON.readTree(exchange.getRequestBody()).path("Boot");
    String target = boot.path("BootSourceOverrideTarget").asText(bootTarget);
    if (!List.of("None", "Pxe", "Hdd", "Cd", "BiosSetup").contains(target)) {
      error(
          exchange,
          400,
          "Base.1.8.PropertyValueNotInList",
          "The value " + target + " for the property BootSourceOverrideTarget is not in the list.");
      return;
    }
    bootTarget = target;
    bootEnabled = boot.path("BootSourceOverrideEnabled").asText(bootEnabled);
    bootMode = boot.path("BootSourceOverrideMode").asText(bootMode);
    generation++;
    exchange.sendResponseHeaders(204, -1);
  }

  private void reset(HttpExchange exchange) throws IOException {
    String type = JSON.readTree(exchange.getRequestBody()).path("ResetType").asText("");
    if (!resetTypes.contains(type)) {
      error(
          exchange,
          400,
          "Base.1.8.ActionParameterNotSupported",
          "The parameter ResetType with value " + type + " is not supported.");
      return;
    }
    switch (type) {
      case "On", "ForceOn" -> power = "On";
      case "ForceOff" -> power = "Off";
      case "GracefulShutdown" -> power = ignoreGracefulShutdown ? power : "Off";
      case "Nmi" -> nmis++;
      default -> power = "On";
    }
    generation++;
    exchange.sendResponseHeaders(204, -1);
  }

  private static void error(HttpExchange exchange, int status, String id, String message)
      throws IOException {
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("@odata.type", "#Message.v1_1_1.Message");
    info.put("MessageId", id);
    info.put("Message", message);
    info.put("Severity", "Warning");
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("code", id);
    error.put("message", "A general error has occurred. See ExtendedInfo for more information.");
    error.put("@Message.ExtendedInfo", List.of(info));
    send(exchange, status, Map.of("error", error));
  }

  private static void send(HttpExchange exchange, int status, Object body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.getResponseHeaders().add("OData-Version", "4.0");
    if (body instanceof Map<?, ?> map && map.get("@odata.etag") != null) {
      exchange.getResponseHeaders().add("ETag", map.get("@odata.etag").toString());
    }
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
