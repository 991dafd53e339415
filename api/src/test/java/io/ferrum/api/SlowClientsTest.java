package io.ferrum.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrum.api.TestServer.Reply;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mindrot.jbcrypt.BCrypt;

/**
 * Slow clients cannot starve the others: 64 clients trickling a body and 64 trickling their headers
 * each hold a connection thread (until the read timeout), never a worker, while probes keep being
 * answered.
 */
class SlowClientsTest {

  private static final int SLOW_BODIES = 64;
  private static final int SLOW_HEADERS = 64;

  /** Generous: a probe that needs this long is stuck, not slow. */
  private static final Duration PROBE_DEADLINE = Duration.ofSeconds(20);

  private TestServer api;
  private final List<Socket> slow = new ArrayList<>();
  private final ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stop() throws IOException {
    trickle.shutdownNow();
    for (Socket socket : slow) {
      socket.close();
    }
    if (api != null) {
      api.close();
    }
  }

  private Socket open(String start) throws IOException {
    Socket socket = new Socket("127.0.0.1", api.server.address().getPort());
    socket.getOutputStream().write(start.getBytes(StandardCharsets.ISO_8859_1));
    socket.getOutputStream().flush();
    slow.add(socket);
    return socket;
  }

  /** One more byte on every slow connection, twice a second, for as long as the test runs. */
  private void startTrickling() {
    trickle.scheduleAtFixedRate(
        () -> {
          for (Socket socket : slow) {
            try {
              OutputStream out = socket.getOutputStream();
              out.write('a');
              out.flush();
            } catch (IOException e) {
              // closed by the server (read timeout): that client is done
            }
          }
        },
        500,
        500,
        TimeUnit.MILLISECONDS);
  }

  @Test
  void slowBodiesAndSlowHeaders_probesAndAuthenticatedRequestsStillAnswered(@TempDir Path dir)
      throws Exception {
    Path htpasswd = dir.resolve("htpasswd");
    Files.writeString(htpasswd, "admin:" + BCrypt.hashpw("pw", BCrypt.gensalt(4)) + "\n");
    // Many slow clients, here all on one address: lift the per-client limit to see the others.
    api =
        new TestServer(
            new TestServer.Options()
                .auth(BasicAuth.load(htpasswd))
                .limits(HttpLimits.defaults().withWorkers(8).withMaxConnectionsPerClient(1000)));
    String good = "Basic " + Base64.getEncoder().encodeToString("admin:pw".getBytes());
    for (int i = 0; i < SLOW_BODIES; i++) {
      open(
          "POST /v1/nodes HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
              + "Content-Length: 100000\r\n\r\n{");
    }
    for (int i = 0; i < SLOW_HEADERS; i++) {
      open("GET /v1/nodes HTTP/1.1\r\nHost: x\r\nX-Slow: ");
    }
    startTrickling();
    long deadline = System.nanoTime() + PROBE_DEADLINE.toNanos();
    while (api.server.connectionsInProgress() < SLOW_BODIES + SLOW_HEADERS
        && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(api.server.connectionsInProgress())
        .as("every slow client holds a connection thread")
        .isGreaterThanOrEqualTo(SLOW_BODIES + SLOW_HEADERS);

    for (int i = 0; i < 20; i++) {
      Reply probe = api.callWithin(PROBE_DEADLINE, "GET", "/", null, null, null);
      assertThat(probe.status()).isEqualTo(200);
      Reply anonymous = api.callWithin(PROBE_DEADLINE, "GET", "/v1/nodes", "1.78", null, null);
      assertThat(anonymous.status()).isEqualTo(401);
      Reply nodes = api.callWithin(PROBE_DEADLINE, "GET", "/v1/nodes", "1.78", null, good);
      assertThat(nodes.status()).isEqualTo(200);
      Thread.sleep(100);
    }
    assertThat(api.server.busyWorkers()).as("slow clients never held a worker").isZero();
  }

  /** A connection from {@code source} (any 127.x address is this host) to the test server. */
  private Socket from(String source) throws IOException {
    Socket socket = new Socket();
    socket.bind(new java.net.InetSocketAddress(source, 0));
    socket.connect(new java.net.InetSocketAddress("127.0.0.1", api.server.address().getPort()));
    socket.setSoTimeout((int) PROBE_DEADLINE.toMillis());
    return socket;
  }

  /** The status line {@code socket} gets for a GET of {@code /}, or null if it is closed first. */
  private static String probe(Socket socket) throws IOException {
    socket
        .getOutputStream()
        .write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
    byte[] line = new byte[12];
    int read;
    try {
      read = socket.getInputStream().readNBytes(line, 0, line.length);
    } catch (java.net.SocketException e) {
      return null; // reset by the server
    }
    return read < line.length ? null : new String(line, StandardCharsets.ISO_8859_1);
  }

  @Test
  void oneClientAddress_holdsAtMostItsShare_othersAreServed() throws Exception {
    int perClient = 4;
    api =
        new TestServer(
            new TestServer.Options()
                .limits(
                    new HttpLimits(
                        16,
                        4,
                        4,
                        Duration.ofSeconds(30),
                        Duration.ofSeconds(30),
                        1 << 20,
                        perClient)));
    List<Socket> held = new ArrayList<>();
    for (int i = 0; i < perClient; i++) {
      held.add(
          open(
              "POST /v1/nodes HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  + "Content-Length: 100000\r\n\r\n{"));
    }
    startTrickling();
    long deadline = System.nanoTime() + PROBE_DEADLINE.toNanos();
    while (api.server.connectionsInProgress() < perClient && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }

    // The same address again: closed at once (well before the 30 s read timeout), unanswered.
    try (Socket more = from("127.0.0.1")) {
      more.getOutputStream()
          .write(
              ("POST /v1/nodes HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                      + "Content-Length: 100000\r\n\r\n{")
                  .getBytes(StandardCharsets.ISO_8859_1));
      int first;
      try {
        first = more.getInputStream().read();
      } catch (java.net.SocketException e) {
        first = -1;
      }
      assertThat(first).as("closed without an answer").isEqualTo(-1);
    }
    try (Socket again = from("127.0.0.1")) {
      assertThat(probe(again)).as("even a quick request from that address").isNull();
    }
    // Another address is served while the first one holds its share.
    try (Socket other = from("127.0.0.2")) {
      assertThat(probe(other)).isEqualTo("HTTP/1.1 200");
    }
    assertThat(api.server.connectionsInProgressFrom("127.0.0.1")).isEqualTo(perClient);

    for (Socket socket : held) {
      socket.close();
    }
    slow.clear();
    deadline = System.nanoTime() + PROBE_DEADLINE.toNanos();
    while (api.server.connectionsInProgress() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    try (Socket back = from("127.0.0.1")) {
      assertThat(probe(back))
          .as("served again once its requests are over")
          .isEqualTo("HTTP/1.1 200");
    }
  }

  @Test
  void connectionsBeyondTheLimit_areClosed_andTheServerRecovers() throws Exception {
    api =
        new TestServer(
            new TestServer.Options()
                .limits(
                    new HttpLimits(
                        8, 4, 4, Duration.ofSeconds(30), Duration.ofSeconds(30), 1 << 20, 100)));
    for (int i = 0; i < 8; i++) {
      open("GET /v1/nodes HTTP/1.1\r\nHost: x\r\nX-Slow: ");
    }
    long deadline = System.nanoTime() + PROBE_DEADLINE.toNanos();
    while (api.server.connectionsInProgress() < 8 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }

    TestServer.RawReply refused =
        api.raw("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));

    assertThat(refused.status()).as("closed without an answer").isEqualTo(-1);
    for (Socket socket : slow) {
      socket.close();
    }
    slow.clear();
    deadline = System.nanoTime() + PROBE_DEADLINE.toNanos();
    while (api.server.connectionsInProgress() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(api.callWithin(PROBE_DEADLINE, "GET", "/", null, null, null).status())
        .isEqualTo(200);
  }
}
