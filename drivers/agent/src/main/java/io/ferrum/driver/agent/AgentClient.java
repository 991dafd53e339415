package io.ferrum.driver.agent;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferrum.driver.AgentCallbackPolicy;
import io.ferrum.driver.DriverException;
import io.ferrum.driver.DriverNode;
import io.ferrum.driver.DriverTimeoutException;
import io.ferrum.driver.InvalidDriverInfoException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * A client of the Ironic Python Agent's command API, for the agent running in a node's deploy
 * ramdisk. The node's {@code driver_internal_info} says where the agent is ({@value #AGENT_URL},
 * recorded by the conductor when the agent heartbeats) and which token it expects ({@value
 * #AGENT_TOKEN}).
 *
 * <ul>
 *   <li>{@link #execute}: {@code POST <agent>/v1/commands/?wait=false&agent_token=T} with {@code
 *       {"name": "<extension>.<command>", "params": {...}}}; the agent answers the command's result
 *       so far;
 *   <li>{@link #commands}: {@code GET <agent>/v1/commands/?agent_token=T}, answered with {@code
 *       {"commands": [...]}}, every command the agent ran since it started, oldest first.
 * </ul>
 *
 * <p>The agent is on the network, not trusted: its URL is checked against {@link
 * AgentCallbackPolicy} right before each connection, redirects are never followed, connecting and
 * the whole exchange each have a time limit, an answer longer than its limit (1 MiB by default) is
 * cut off and refused, and answers are parsed strictly (one JSON document, no duplicate keys,
 * bounded nesting, each field of the expected type). A request whose connection fails (nothing
 * reached the agent) is tried up to {@value #ATTEMPTS} times with a short pause, as Ironic does; an
 * answer, even an error, is never sent again. Every failure is a {@link DriverException} naming the
 * node, the command and what went wrong, the agent's words made printable and truncated.
 *
 * <p>Thread-safe.
 */
public final class AgentClient {

  /** The key of the agent's base URL in {@code driver_internal_info}. */
  public static final String AGENT_URL = "agent_url";

  /** The key of the agent's token in {@code driver_internal_info}. */
  public static final String AGENT_TOKEN = "agent_secret_token";

  /** The longest answer accepted by default, in bytes. */
  public static final int MAX_ANSWER = 1 << 20;

  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_.~+/=-]{1,256}");
  private static final int MAX_SHOWN = 500;

  private static final ObjectMapper JSON =
      new ObjectMapper(
              JsonFactory.builder()
                  .streamReadConstraints(
                      StreamReadConstraints.builder()
                          .maxNestingDepth(64)
                          .maxStringLength(MAX_ANSWER)
                          .maxNumberLength(100)
                          .build())
                  .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                  .build())
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /**
   * One command's result as the agent reports it.
   *
   * @param id the command's id, or {@code null}
   * @param name the command's name as the agent reports it ({@code prepare_image}, or with its
   *     extension, {@code standby.prepare_image})
   * @param status {@code RUNNING}, {@code SUCCEEDED}, {@code FAILED} or another word the agent uses
   *     for a failure
   * @param result the command's result, or JSON null
   * @param error the agent's error, printable and truncated, or {@code null}
   */
  public record Command(String id, String name, String status, JsonNode result, String error) {

    /** Whether the command still runs. */
    public boolean running() {
      return "RUNNING".equals(status);
    }

    /** Whether the command ended well. */
    public boolean succeeded() {
      return "SUCCEEDED".equals(status);
    }

    /** Whether this is {@code command} ({@code extension.name}), with or without its extension. */
    public boolean is(String command) {
      return name.equals(command) || command.endsWith("." + name);
    }
  }

  private final AgentCallbackPolicy policy;
  private final Duration timeout;
  private final int maxAnswer;
  private final Duration connect;
  private final Duration pause;
  private final Pause sleeper;
  private HttpClient http;

  /** How the client waits between attempts (tests count the waits). */
  interface Pause {
    void sleep(Duration duration) throws InterruptedException;
  }

  /** How often a request is tried when connecting to the agent fails (Ironic's default). */
  public static final int ATTEMPTS = 3;

  /** A client with a 10 s connect limit, a 60 s limit per exchange and 1 MiB answers. */
  public AgentClient(AgentCallbackPolicy policy) {
    this(policy, Duration.ofSeconds(10), Duration.ofSeconds(60), MAX_ANSWER);
  }

  /**
   * A client with the given limits.
   *
   * @param connect how long connecting may take
   * @param timeout how long one exchange (request, answer and its body) may take
   * @param maxAnswer the longest answer accepted, in bytes
   */
  public AgentClient(
      AgentCallbackPolicy policy, Duration connect, Duration timeout, int maxAnswer) {
    this(policy, connect, timeout, maxAnswer, Duration.ofSeconds(2));
  }

  /**
   * A client with the given limits.
   *
   * @param connect how long connecting may take
   * @param timeout how long one exchange (request, answer and its body) may take
   * @param maxAnswer the longest answer accepted, in bytes
   * @param pause how long to wait before trying again after connecting failed
   */
  public AgentClient(
      AgentCallbackPolicy policy,
      Duration connect,
      Duration timeout,
      int maxAnswer,
      Duration pause) {
    this(policy, connect, timeout, maxAnswer, pause, d -> Thread.sleep(d.toMillis()));
  }

  AgentClient(
      AgentCallbackPolicy policy,
      Duration connect,
      Duration timeout,
      int maxAnswer,
      Duration pause,
      Pause sleeper) {
    this.sleeper = sleeper;
    this.policy = policy;
    this.timeout = timeout;
    this.maxAnswer = maxAnswer;
    this.connect = connect;
    this.pause = pause;
  }

  /** The HTTP client, made on first use (a hardware type nobody deploys with starts no thread). */
  private synchronized HttpClient http() {
    if (http == null) {
      http =
          HttpClient.newBuilder()
              .connectTimeout(connect)
              .followRedirects(HttpClient.Redirect.NEVER)
              .version(HttpClient.Version.HTTP_1_1)
              .build();
    }
    return http;
  }

  /**
   * Starts {@code command} ({@code extension.name}, e.g. {@code standby.prepare_image}) without
   * waiting for it to end.
   *
   * @return the command's result so far
   * @throws DriverException if the agent cannot be reached, refuses or answers nonsense
   */
  public Command execute(DriverNode node, String command, Map<String, Object> params) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", command);
    body.put("params", params);
    byte[] json;
    try {
      json = JSON.writeValueAsBytes(body);
    } catch (IOException e) {
      throw new DriverException(
          "node " + node.label() + ": could not encode agent command " + command, e);
    }
    JsonNode answer =
        exchange(
            node,
            command,
            "wait=false&",
            builder ->
                builder
                    .POST(HttpRequest.BodyPublishers.ofByteArray(json))
                    .header("Content-Type", "application/json"));
    return command(node, command, answer);
  }

  /**
   * The results of every command the agent ran, oldest first.
   *
   * @param purpose what the list is for, for messages (e.g. the command waited for)
   * @throws DriverException if the agent cannot be reached, refuses or answers nonsense
   */
  public List<Command> commands(DriverNode node, String purpose) {
    JsonNode answer = exchange(node, purpose, "", HttpRequest.Builder::GET);
    JsonNode list = answer.get("commands");
    if (list == null || !list.isArray()) {
      throw nonsense(node, purpose, "its command list has no \"commands\" array");
    }
    List<Command> commands = new ArrayList<>();
    for (JsonNode item : list) {
      commands.add(command(node, purpose, item));
    }
    return commands;
  }

  private JsonNode exchange(
      DriverNode node,
      String what,
      String query,
      java.util.function.UnaryOperator<HttpRequest.Builder> method) {
    URI base = agent(node, what);
    String token = token(node, what);
    URI uri =
        URI.create(
            base
                + "/v1/commands/?"
                + query
                + "agent_token="
                + URLEncoder.encode(token, StandardCharsets.UTF_8));
    HttpRequest request =
        method
            .apply(
                HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json"))
            .build();
    HttpResponse<byte[]> response = null;
    for (int attempt = 1; response == null; attempt++) {
      CompletableFuture<HttpResponse<byte[]>> future =
          http().sendAsync(request, info -> new Capped(maxAnswer));
      try {
        response = future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        future.cancel(true);
        throw timedOut(node, what, base);
      } catch (InterruptedException e) {
        future.cancel(true);
        Thread.currentThread().interrupt();
        throw interrupted(node, what);
      } catch (ExecutionException e) {
        Throwable cause = e.getCause() == null ? e : e.getCause();
        if (cause instanceof TooLong) {
          throw nonsense(node, what, "its answer is longer than " + maxAnswer + " bytes");
        }
        boolean connecting =
            cause instanceof java.net.ConnectException
                || cause instanceof HttpConnectTimeoutException;
        if (connecting && attempt < ATTEMPTS) {
          // Nothing reached the agent: trying again cannot run a command twice.
          pause(node, what);
          continue;
        }
        if (cause instanceof HttpConnectTimeoutException || cause instanceof HttpTimeoutException) {
          throw timedOut(node, what, base);
        }
        throw new DriverException(
            "node "
                + node.label()
                + ": could not reach the agent at "
                + base
                + " for "
                + what
                + (connecting ? " (" + ATTEMPTS + " attempts)" : "")
                + ": "
                + describe(cause));
      }
    }
    int status = response.statusCode();
    if (status < 400 && (status < 200 || status > 299)) {
      throw nonsense(node, what, "it answered HTTP " + status + " (redirects are not followed)");
    }
    JsonNode answer = parse(node, what, response.body(), status >= 400);
    if (status >= 400) {
      String fault =
          answer != null && answer.path("faultstring").isTextual()
              ? answer.path("faultstring").asText()
              : "no reason given";
      String message =
          "node "
              + node.label()
              + ": the agent refused "
              + what
              + " (HTTP "
              + status
              + "): "
              + printable(fault);
      throw status == 409 ? new Busy(message) : new DriverException(message);
    }
    if (answer == null || !answer.isObject()) {
      throw nonsense(node, what, "its answer is not a JSON object");
    }
    return answer;
  }

  private void pause(DriverNode node, String what) {
    try {
      sleeper.sleep(pause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw interrupted(node, what);
    }
  }

  private static DriverException interrupted(DriverNode node, String what) {
    return new DriverException(
        "node " + node.label() + ": interrupted while talking to the agent about " + what);
  }

  /**
   * An exception's class and message, and those of its causes ({@code ConnectException: Connection
   * refused}); a connection failure whose exceptions carry no message (as the JDK's HTTP client
   * gives them) is said in words. Printable and truncated.
   */
  static String describe(Throwable error) {
    StringBuilder out = new StringBuilder(error.getClass().getSimpleName());
    java.util.Set<String> said = new java.util.HashSet<>();
    boolean explained = false;
    Throwable current = error;
    for (int depth = 0; current != null && depth < 5; depth++) {
      String message = current.getMessage();
      if (message != null && !message.isBlank() && said.add(message)) {
        out.append(": ").append(message);
        explained = true;
      } else if (current != error) {
        out.append(" (").append(current.getClass().getSimpleName()).append(')');
      }
      Throwable next = current.getCause();
      current = next == current ? null : next;
    }
    if (!explained && error instanceof java.net.ConnectException) {
      out.append(": could not connect (connection refused, reset or unreachable)");
    }
    return printable(out.toString());
  }

  /** The agent's base URL, checked against the allowlist again. */
  private URI agent(DriverNode node, String what) {
    Object url = node.driverInternalInfo().get(AGENT_URL);
    if (!(url instanceof String text) || text.isBlank()) {
      throw new DriverException(
          "node "
              + node.label()
              + ": no agent has called back yet (driver_internal_info has no "
              + AGENT_URL
              + "), so "
              + what
              + " cannot be sent");
    }
    try {
      return policy.check(text);
    } catch (InvalidDriverInfoException e) {
      throw new DriverException(
          "node " + node.label() + ": will not send " + what + " to the agent: " + e.getMessage(),
          e);
    }
  }

  private static String token(DriverNode node, String what) {
    Object token = node.driverInternalInfo().get(AGENT_TOKEN);
    if (!(token instanceof String text) || text.isEmpty()) {
      throw new DriverException(
          "node "
              + node.label()
              + ": no agent has called back with a token yet (driver_internal_info has no "
              + AGENT_TOKEN
              + "), so "
              + what
              + " cannot be sent");
    }
    if (!TOKEN.matcher(text).matches()) {
      throw new DriverException(
          "node "
              + node.label()
              + ": the agent's token is not usable (at most 256 URL-safe"
              + " characters)");
    }
    return text;
  }

  private JsonNode parse(DriverNode node, String what, byte[] body, boolean lenient) {
    if (body.length == 0) {
      if (lenient) {
        return null;
      }
      throw nonsense(node, what, "its answer is empty");
    }
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      if (lenient) {
        return null;
      }
      throw nonsense(node, what, "its answer is not valid JSON");
    }
  }

  private static Command command(DriverNode node, String what, JsonNode item) {
    if (item == null || !item.isObject()) {
      throw nonsense(node, what, "a command result is not a JSON object");
    }
    JsonNode name = item.get("command_name");
    JsonNode status = item.get("command_status");
    if (name == null || !name.isTextual() || status == null || !status.isTextual()) {
      throw nonsense(
          node, what, "a command result lacks the strings command_name and command_status");
    }
    JsonNode id = item.get("id");
    if (id != null && !id.isTextual() && !id.isNull()) {
      throw nonsense(node, what, "a command result's id is not a string");
    }
    JsonNode result = item.get("command_result");
    return new Command(
        id == null || id.isNull() ? null : printable(id.asText()),
        printable(name.asText()),
        printable(status.asText()),
        result == null ? com.fasterxml.jackson.databind.node.NullNode.getInstance() : result,
        error(item.get("command_error")));
  }

  /** The agent's error: a string, or an object's {@code details} or {@code message}. */
  private static String error(JsonNode error) {
    if (error == null || error.isNull()) {
      return null;
    }
    if (error.isTextual()) {
      return printable(error.asText());
    }
    if (error.isObject()) {
      for (String key : List.of("details", "message")) {
        if (error.path(key).isTextual() && !error.path(key).asText().isBlank()) {
          return printable(error.path(key).asText());
        }
      }
    }
    return printable(error.toString());
  }

  private static DriverException nonsense(DriverNode node, String what, String why) {
    return new DriverException(
        "node " + node.label() + ": the agent gave an unusable answer about " + what + ": " + why);
  }

  private DriverTimeoutException timedOut(DriverNode node, String what, URI base) {
    return new DriverTimeoutException(
        "node "
            + node.label()
            + ": the agent at "
            + base
            + " did not answer about "
            + what
            + " within "
            + timeout.toSeconds()
            + " s");
  }

  /** {@code value} with control characters replaced, at most {@value #MAX_SHOWN} characters. */
  static String printable(String value) {
    StringBuilder out = new StringBuilder();
    value
        .codePoints()
        .limit(MAX_SHOWN)
        .forEach(
            c ->
                out.append(
                    Character.isISOControl(c) || c == 0x2028 || c == 0x2029
                        ? "?"
                        : new String(Character.toChars(c))));
    return value.codePointCount(0, value.length()) > MAX_SHOWN ? out + "..." : out.toString();
  }

  /**
   * The agent answered 409: it is still running another command and takes no new one now. Sending
   * again at a later heartbeat is the remedy.
   */
  public static final class Busy extends DriverException {
    private static final long serialVersionUID = 1L;

    Busy(String message) {
      super(message);
    }
  }

  /** The answer is longer than its limit. */
  private static final class TooLong extends IOException {
    private static final long serialVersionUID = 1L;
  }

  /** Collects an answer's bytes, and gives up (cancelling the download) past {@code max}. */
  private static final class Capped implements HttpResponse.BodySubscriber<byte[]> {
    private final CompletableFuture<byte[]> body = new CompletableFuture<>();
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final int max;
    private Flow.Subscription subscription;

    Capped(int max) {
      this.max = max;
    }

    @Override
    public CompletionStage<byte[]> getBody() {
      return body;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      this.subscription = subscription;
      subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      if (body.isDone()) {
        return;
      }
      for (ByteBuffer item : items) {
        int n = item.remaining();
        if (bytes.size() + (long) n > max) {
          subscription.cancel();
          body.completeExceptionally(new TooLong());
          return;
        }
        byte[] chunk = new byte[n];
        item.get(chunk);
        bytes.write(chunk, 0, n);
      }
    }

    @Override
    public void onError(Throwable error) {
      body.completeExceptionally(error);
    }

    @Override
    public void onComplete() {
      body.complete(bytes.toByteArray());
    }
  }
}
