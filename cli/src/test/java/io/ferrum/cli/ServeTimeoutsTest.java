package io.ferrum.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Writer;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ferrum serve --http-read-timeout} and {@code --http-idle-timeout} close connections that
 * send too slowly or sit idle. The JDK server reads these limits once per JVM, so the daemon runs
 * in its own JVM here.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServeTimeoutsTest {

  /**
   * Generous against the 2 s given, yet half the 30 s default: a pass shows the options took
   * effect.
   */
  private static final int DEADLINE_MILLIS = 15_000;

  @TempDir static Path dir;
  private Process daemon;
  private int port;

  @BeforeAll
  void start() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    daemon =
        new ProcessBuilder(
                List.of(
                    java,
                    "-cp",
                    System.getProperty("java.class.path"),
                    Ferrum.class.getName(),
                    "serve",
                    "--port",
                    "0",
                    "--data-dir",
                    dir.resolve("data").toString(),
                    "--name",
                    "timeouts",
                    "--http-read-timeout",
                    "2",
                    "--http-idle-timeout",
                    "2"))
            .redirectErrorStream(true)
            .start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(daemon.getInputStream(), StandardCharsets.UTF_8));
    CompletableFuture<Integer> found =
        CompletableFuture.supplyAsync(
            () -> {
              Pattern serving = Pattern.compile("on http://127\\.0\\.0\\.1:(\\d+)");
              try {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                  Matcher m = serving.matcher(line);
                  if (m.find()) {
                    return Integer.parseInt(m.group(1));
                  }
                }
              } catch (IOException e) {
                throw new IllegalStateException(e);
              }
              throw new IllegalStateException("ferrum serve ended before serving");
            },
            ConcurrentTests.OWN_THREAD);
    port = found.get(60, TimeUnit.SECONDS);
    // Keep draining the daemon's output so it never blocks on a full pipe.
    Thread drain =
        new Thread(
            () -> {
              try {
                out.transferTo(Writer.nullWriter());
              } catch (IOException e) {
                // the daemon stopped
              }
            });
    drain.setDaemon(true);
    drain.start();
  }

  @AfterAll
  void stop() throws Exception {
    daemon.destroy();
    if (!daemon.waitFor(30, TimeUnit.SECONDS)) {
      daemon.destroyForcibly();
    }
  }

  /** Whether the server closes {@code socket} (EOF or reset) before the deadline. */
  private static boolean closedByServer(Socket socket, OutputStream trickle) throws IOException {
    socket.setSoTimeout(500);
    InputStream in = socket.getInputStream();
    long deadline = System.currentTimeMillis() + DEADLINE_MILLIS;
    while (System.currentTimeMillis() < deadline) {
      try {
        if (trickle != null) {
          trickle.write('a');
          trickle.flush();
        }
        int b = in.read();
        if (b < 0) {
          return true;
        }
        // An answer (e.g. a 408 or 400) followed by the close is fine too: keep reading.
      } catch (SocketTimeoutException e) {
        // nothing yet
      } catch (SocketException e) {
        return true; // reset or broken pipe: closed
      }
    }
    return false;
  }

  @Test
  void slowHeaders_areCutOffByTheReadTimeout() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      OutputStream out = socket.getOutputStream();
      out.write(
          "GET /v1/nodes HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));

      assertThat(closedByServer(socket, out)).isTrue();
    }
  }

  @Test
  void slowBody_isCutOffByTheReadTimeout() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST /v1/nodes HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  + "Content-Length: 100000\r\n\r\n{")
              .getBytes(StandardCharsets.US_ASCII));

      assertThat(closedByServer(socket, out)).isTrue();
    }
  }

  @Test
  void idleConnections_newOrKeptAlive_areClosedByTheIdleTimeout() throws Exception {
    try (Socket silent = new Socket("127.0.0.1", port)) {
      assertThat(closedByServer(silent, null)).isTrue();
    }
    try (Socket keptAlive = new Socket("127.0.0.1", port)) {
      keptAlive
          .getOutputStream()
          .write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(closedByServer(keptAlive, null)).isTrue();
    }
  }
}
