package io.ferrum.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A client that sends a body over the limit in full before it reads the answer, as most clients do,
 * still reads the 413 and its message: the server reads and discards the rest of the body (up to
 * {@link HttpLimits#MAX_DISCARDED_BODY_BYTES}) before it closes the connection, so the close is not
 * a reset that destroys the answer. A body beyond that is not read to its end.
 */
class OversizedBodyTest {

  private static final int LIMIT = HttpLimits.defaults().maxBodyBytes();

  /*
   * The bodies below are six times the limit: more than the kernel buffers between the two ends
   * take, so a server that closes without reading makes the client's sending fail (a reset), and
   * less than the server reads and discards.
   */

  private TestServer api;

  @BeforeEach
  void start() throws IOException {
    api = new TestServer(new TestServer.Options());
  }

  @AfterEach
  void stop() {
    api.close();
  }

  /** What the client saw: whether its whole request went out, and the answer's head and body. */
  private record Seen(boolean sentInFull, String sendFailure, String head, String body) {
    int status() {
      return head.length() >= 12 ? Integer.parseInt(head.substring(9, 12)) : -1;
    }
  }

  @Test
  void declaredLength_bodySentInFull_thenThe413IsRead() throws IOException {
    long length = 6L * LIMIT;
    Seen seen =
        exchange(
            "POST /v1/nodes HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Content-Length: "
                + length
                + "\r\n\r\n",
            length,
            false);

    assertThat(seen.sentInFull()).as("sent in full (%s)", seen.sendFailure()).isTrue();
    assertThat(seen.status()).as(seen.head()).isEqualTo(413);
    assertThat(seen.body()).contains("The request body is larger than " + LIMIT + " bytes");
  }

  @Test
  void chunkedBody_overTheLimit_sentInFull_thenThe413IsRead() throws IOException {
    long length = 6L * LIMIT;
    Seen seen =
        exchange(
            "POST /v1/nodes HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n",
            length,
            true);

    assertThat(seen.sentInFull()).as("sent in full (%s)", seen.sendFailure()).isTrue();
    assertThat(seen.status()).as(seen.head()).isEqualTo(413);
    assertThat(seen.body()).contains("The request body is larger than " + LIMIT + " bytes");
  }

  @Test
  void aBodyFarBeyondWhatIsDiscarded_isNotReadToItsEnd() throws IOException {
    long length = 20L * HttpLimits.MAX_DISCARDED_BODY_BYTES;
    Seen seen =
        exchange(
            "POST /v1/nodes HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Content-Length: "
                + length
                + "\r\n\r\n",
            length,
            false);

    assertThat(seen.sentInFull()).as("the server closed before the end").isFalse();
  }

  /**
   * Sends {@code head}, then {@code length} body bytes (as one-chunk-per-write chunked encoding if
   * {@code chunked}), then reads one answer. A send that fails ends the sending; the answer is read
   * all the same.
   */
  private Seen exchange(String head, long length, boolean chunked) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", api.server.address().getPort())) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      boolean sentInFull = true;
      String failure = null;
      byte[] chunk = new byte[64 * 1024];
      Arrays.fill(chunk, (byte) ' ');
      try {
        out.write(head.getBytes(StandardCharsets.ISO_8859_1));
        long left = length;
        while (left > 0) {
          int n = (int) Math.min(chunk.length, left);
          if (chunked) {
            out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
          }
          out.write(chunk, 0, n);
          if (chunked) {
            out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
          }
          left -= n;
        }
        if (chunked) {
          out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        out.flush();
      } catch (IOException e) {
        sentInFull = false;
        failure = e.toString();
      }
      return read(socket.getInputStream(), sentInFull, failure);
    }
  }

  private static Seen read(InputStream in, boolean sentInFull, String failure) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    try {
      while (matched < 4) {
        int b = in.read();
        if (b < 0) {
          break;
        }
        head.write(b);
        matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
      }
      String headText = head.toString(StandardCharsets.ISO_8859_1);
      Matcher length = Pattern.compile("(?i)content-length:\\s*(\\d+)").matcher(headText);
      byte[] body =
          matched == 4 && length.find()
              ? in.readNBytes(Integer.parseInt(length.group(1)))
              : new byte[0];
      return new Seen(sentInFull, failure, headText, new String(body, StandardCharsets.UTF_8));
    } catch (SocketException e) {
      return new Seen(
          sentInFull,
          failure,
          head.toString(StandardCharsets.ISO_8859_1) + " [reset: " + e.getMessage() + "]",
          "");
    }
  }
}
