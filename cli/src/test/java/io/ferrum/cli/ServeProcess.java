package io.ferrum.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
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

/**
 * {@code ferrum serve} in a child process of the test's JVM (same classpath), for tests of what
 * only a real process shows: {@code kill -9}, {@code SIGSTOP}, exit codes. Not thread-safe.
 */
final class ServeProcess implements AutoCloseable {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final Process process;
  private final String url;

  private ServeProcess(Process process, String url) {
    this.process = process;
    this.url = url;
  }

  /**
   * Starts {@code ferrum serve --port 0 ARGS} and waits until it serves; its stderr goes to log.
   */
  static ServeProcess start(List<String> args, Path log) throws Exception {
    Process process = new ProcessBuilder(command(args)).redirectError(appendTo(log)).start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    CompletableFuture<String> url =
        CompletableFuture.supplyAsync(
            () -> {
              Pattern serving = Pattern.compile("on (http://\\S+)");
              try {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                  Matcher m = serving.matcher(line);
                  if (m.find()) {
                    drain(out);
                    return m.group(1);
                  }
                }
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
              throw new IllegalStateException("ferrum serve ended before serving; see " + log);
            },
            ConcurrentTests.OWN_THREAD);
    try {
      return new ServeProcess(process, url.get(90, TimeUnit.SECONDS));
    } catch (Exception e) {
      process.destroyForcibly();
      throw e;
    }
  }

  /** Runs {@code ferrum serve ARGS} expecting it to fail at start; returns its exit code. */
  static int failToStart(List<String> args, Path log) throws Exception {
    Process process =
        new ProcessBuilder(command(args))
            .redirectErrorStream(true)
            .redirectOutput(appendTo(log))
            .start();
    if (!process.waitFor(90, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("ferrum serve did not stop; see " + log);
    }
    return process.exitValue();
  }

  private static List<String> command(List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Ferrum.class.getName());
    command.addAll(List.of("serve", "--port", "0"));
    command.addAll(args);
    return command;
  }

  private static ProcessBuilder.Redirect appendTo(Path log) {
    return ProcessBuilder.Redirect.appendTo(log.toFile());
  }

  private static void drain(BufferedReader out) {
    Thread drain =
        new Thread(
            () -> {
              try {
                while (out.readLine() != null) {
                  // keep the pipe empty
                }
              } catch (IOException e) {
                // the child ended
              }
            });
    drain.setDaemon(true);
    drain.start();
  }

  /** The API's base URL. */
  String url() {
    return url;
  }

  /** The child's process id. */
  long pid() {
    return process.pid();
  }

  /** Sends a request with the given microversion; {@code body} may be {@code null}. */
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

  /** SIGKILL: no shutdown hook, no flush; nothing but what is already on disk survives. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGTERM: a graceful shutdown; returns the exit code. */
  int stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("ferrum serve did not stop within 60 s of SIGTERM");
    }
    return process.exitValue();
  }

  /** Sends {@code signal} (e.g. STOP, CONT) to the child. */
  void signal(String signal) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid())).start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new IllegalStateException("kill -" + signal + " " + pid() + " failed");
    }
  }

  /** Whether the child still runs. */
  boolean alive() {
    return process.isAlive();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      signalQuietly("CONT");
      kill();
    }
  }

  private void signalQuietly(String signal) {
    try {
      signal(signal);
    } catch (Exception e) {
      // gone already
    }
  }

  /**
   * A fresh PostgreSQL schema for a test (from {@code FERRUM_TEST_PG_URL}), or a skipped test when
   * PostgreSQL is not configured and not required.
   */
  static final class Schema implements AutoCloseable {
    private final String server;
    private final String name;

    private Schema(String server, String name) {
      this.server = server;
      this.name = name;
    }

    static Schema create() throws Exception {
      String server = System.getenv("FERRUM_TEST_PG_URL");
      String require = System.getenv("FERRUM_TEST_REQUIRE");
      if (server == null || server.isBlank()) {
        if (require != null && require.toLowerCase(Locale.ROOT).contains("postgres")) {
          throw new IllegalStateException(
              "PostgreSQL is required here but FERRUM_TEST_PG_URL is unset");
        }
        Assumptions.abort("PostgreSQL tests skipped: set FERRUM_TEST_PG_URL to run them");
      }
      String name = "ferrum_t" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
      exec(server, "CREATE SCHEMA " + name);
      return new Schema(server, name);
    }

    /** The JDBC URL of the schema. */
    String url() {
      return server + (server.contains("?") ? "&" : "?") + "currentSchema=" + name;
    }

    /** Runs {@code sql} in the schema and returns the first column of the first row, or null. */
    Object query(String sql) throws Exception {
      try (Connection c = DriverManager.getConnection(url());
          Statement s = c.createStatement();
          java.sql.ResultSet rs = s.executeQuery(sql)) {
        return rs.next() ? rs.getObject(1) : null;
      }
    }

    @Override
    public void close() throws Exception {
      exec(server, "DROP SCHEMA " + name + " CASCADE");
    }

    private static void exec(String url, String sql) throws Exception {
      try (Connection c = DriverManager.getConnection(url);
          Statement s = c.createStatement()) {
        s.execute(sql);
      }
    }
  }
}
