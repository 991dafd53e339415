package io.ferrum.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server that refuses a body by answering before reading it may close before the client gets the
 * rest of its answer: the client reports the refusal from the status line (exit 2), not "the
 * request failed". The server here sends only a 413's head, as such a server's lost answer looks.
 */
class LostRefusalTest {

  private ServerSocket listener;

  @BeforeEach
  void listen() throws IOException {
    listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    ConcurrentTests.OWN_THREAD.execute(this::answerWithAHeadOnly);
  }

  @AfterEach
  void close() throws IOException {
    listener.close();
  }

  /** Each request: a 413 head promising 131 bytes, none of them, then the body is read away. */
  private void answerWithAHeadOnly() {
    while (!listener.isClosed()) {
      try (Socket socket = listener.accept()) {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
          int b = in.read();
          if (b < 0) {
            break;
          }
          head.write(b);
        }
        OutputStream out = socket.getOutputStream();
        out.write(
            ("HTTP/1.1 413 Request Entity Too Large\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 131\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        socket.shutdownOutput();
        in.transferTo(OutputStream.nullOutputStream());
      } catch (IOException e) {
        return;
      }
    }
  }

  @Test
  void aRefusedBody_whoseAnswerIsLost_isReportedAsRefused_exit2(@TempDir Path dir)
      throws IOException {
    byte[] random = new byte[300_000];
    new Random(3).nextBytes(random);
    Path drive = dir.resolve("big.cd");
    Files.writeString(drive, Base64.getEncoder().encodeToString(random));
    String url = "http://127.0.0.1:" + listener.getLocalPort();

    for (String[] nodes : new String[][] {{"n1"}, {"n1", "n3"}}) {
      String[] args = new String[nodes.length + 5];
      args[0] = "node";
      args[1] = "deploy";
      System.arraycopy(nodes, 0, args, 2, nodes.length);
      args[nodes.length + 2] = "--config-drive";
      args[nodes.length + 3] = drive.toString();
      args[nodes.length + 4] = "--wait";

      CliRun deploy = CliRun.against(url, args);

      assertThat(deploy.code()).as(deploy.err()).isEqualTo(2);
      assertThat(deploy.err())
          .matches(
              "ferrum node deploy: the server refused the request body \\(4\\d{5} bytes\\): it is"
                  + " larger than the server accepts \\(HTTP 413\\)\n");
    }
  }
}
