package io.ferrum.driver.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A small stand-in for the Ironic Python Agent's command API on 127.0.0.1: it records every
 * request, answers {@code POST /v1/commands/} with the new command RUNNING and {@code GET
 * /v1/commands/} with every command so far. A test ends the last command with {@link #finish}, and
 * can make the agent misbehave ({@link #mode}).
 */
final class FakeAgent implements AutoCloseable {

  static final String TOKEN = "s3cret-token_0123456789";

  /** How the agent answers. */
  enum Mode {
    NORMAL,
    /** Answers 50 MiB. */
    HUGE,
    /** Never answers. */
    HANG,
    /** Answers a redirect. */
    REDIRECT,
    /** Answers text that is not JSON. */
    GARBAGE,
    /** Refuses new commands with 409, as an agent running a command of its own does. */
    BUSY
  }

  /** One request as received. */
  record Request(String method, String path, String query, JsonNode body) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  final List<Request> requests = new CopyOnWriteArrayList<>();
  private final List<Map<String, Object>> commands = new ArrayList<>();
  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(4);
  private final CountDownLatch release = new CountDownLatch(1);
  volatile Mode mode = Mode.NORMAL;

  FakeAgent() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  /** The agent's base URL, as the conductor records it. */
  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Ends the last command: SUCCEEDED, or FAILED with {@code error}. */
  synchronized void finish(boolean succeeded, Object error) {
    Map<String, Object> last = commands.get(commands.size() - 1);
    last.put("command_status", succeeded ? "SUCCEEDED" : "FAILED");
    last.put("command_error", error);
  }

  /** The commands posted, each as its JSON body. */
  List<JsonNode> posted() {
    return requests.stream().filter(r -> r.method().equals("POST")).map(Request::body).toList();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] in = exchange.getRequestBody().readAllBytes();
      JsonNode body = in.length == 0 ? null : JSON.readTree(in);
      requests.add(
          new Request(
              exchange.getRequestMethod(),
              exchange.getRequestURI().getPath(),
              exchange.getRequestURI().getRawQuery(),
              body));
      switch (mode) {
        case HANG -> {
          try {
            release.await(60, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return;
        }
        case HUGE -> {
          exchange.sendResponseHeaders(200, 50L << 20);
          byte[] chunk = new byte[1 << 16];
          java.util.Arrays.fill(chunk, (byte) ' ');
          try (OutputStream out = exchange.getResponseBody()) {
            for (int i = 0; i < (50 << 20) / chunk.length; i++) {
              out.write(chunk);
            }
          } catch (IOException e) {
            // The client hung up, as it should.
          }
          return;
        }
        case REDIRECT -> {
          exchange.getResponseHeaders().add("Location", "http://192.0.2.1/v1/commands/");
          exchange.sendResponseHeaders(302, -1);
          return;
        }
        case GARBAGE -> {
          send(exchange, 200, "{\"commands\": []} trailing".getBytes(StandardCharsets.UTF_8));
          return;
        }
        default -> {}
      }
      String query = exchange.getRequestURI().getRawQuery();
      if (query == null || !query.contains("agent_token=" + TOKEN)) {
        send(exchange, 401, json(Map.of("faultcode", "Client", "faultstring", "bad agent_token")));
        return;
      }
      if (!exchange.getRequestURI().getPath().equals("/v1/commands/")) {
        send(exchange, 404, json(Map.of("faultstring", "no such resource")));
        return;
      }
      if (exchange.getRequestMethod().equals("POST") && mode == Mode.BUSY) {
        send(
            exchange,
            409,
            json(Map.of("faultcode", "Client", "faultstring", "Agent is busy with a command")));
        return;
      }
      if (exchange.getRequestMethod().equals("POST")) {
        Map<String, Object> command = new LinkedHashMap<>();
        String name = body.path("name").asText();
        command.put("id", "cmd-" + commands.size());
        command.put("command_name", name.substring(name.indexOf('.') + 1));
        command.put("command_params", body.path("params"));
        command.put("command_status", "RUNNING");
        command.put("command_error", null);
        command.put("command_result", null);
        synchronized (this) {
          commands.add(command);
        }
        send(exchange, 200, json(command));
      } else {
        synchronized (this) {
          send(exchange, 200, json(Map.of("commands", commands)));
        }
      }
    }
  }

  private static byte[] json(Object value) throws IOException {
    return JSON.writeValueAsBytes(value);
  }

  private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, body.length);
    exchange.getResponseBody().write(body);
  }

  @Override
  public void close() {
    release.countDown();
    server.stop(0);
    executor.shutdownNow();
  }
}
