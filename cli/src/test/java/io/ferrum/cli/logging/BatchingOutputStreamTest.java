package io.ferrum.cli.logging;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BatchingOutputStreamTest {

  private static final Duration FOREVER = Duration.ofHours(1);

  /** A target that records each write call it receives. */
  private static final class RecordingTarget extends ByteArrayOutputStream {
    final List<Integer> writes = new ArrayList<>();

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      writes.add(len);
      super.write(b, off, len);
    }

    synchronized String text() {
      return toString(UTF_8);
    }

    synchronized int writeCount() {
      return writes.size();
    }
  }

  private static String lines(int from, int to) {
    StringBuilder text = new StringBuilder();
    for (int i = from; i < to; i++) {
      text.append("line ").append(i).append('\n');
    }
    return text.toString();
  }

  private static void writeLines(BatchingOutputStream out, int from, int to) throws IOException {
    for (int i = from; i < to; i++) {
      out.write(("line " + i + "\n").getBytes(UTF_8));
    }
  }

  @Test
  void holdsLinesWithinTheLingerAndWritesThemInOneCallOnClose() throws IOException {
    RecordingTarget target = new RecordingTarget();
    BatchingOutputStream out = new BatchingOutputStream(target, FOREVER, 1 << 20, "t-hold");

    writeLines(out, 0, 100);
    out.flush(); // a flush does not force the batch out

    assertThat(target.text()).isEmpty();
    out.close();
    assertThat(target.text()).isEqualTo(lines(0, 100));
    assertThat(target.writeCount()).isEqualTo(1);
  }

  /** Waits (up to 30 s, for a slow machine) until the writer thread passed on {@code expected}. */
  private static void awaitText(RecordingTarget target, String expected)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (target.text().length() < expected.length() && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(target.text()).isEqualTo(expected);
  }

  @Test
  void theWriterThreadPassesTheBatchOnAfterTheLinger() throws Exception {
    RecordingTarget target = new RecordingTarget();
    BatchingOutputStream out =
        new BatchingOutputStream(target, Duration.ofMillis(5), 1 << 20, "t-linger");
    try {
      writeLines(out, 0, 3);
      awaitText(target, lines(0, 3));

      // A second batch after the first was written: the writer is woken again.
      writeLines(out, 3, 5);
      awaitText(target, lines(0, 5));
    } finally {
      out.close();
    }
  }

  @Test
  void aWriterThatFillsTheLimitPassesTheBatchOnItself() throws IOException {
    RecordingTarget target = new RecordingTarget();
    BatchingOutputStream out = new BatchingOutputStream(target, FOREVER, 100, "t-limit");

    writeLines(out, 0, 5); // 35 bytes: below the limit
    assertThat(target.text()).isEmpty();
    writeLines(out, 5, 20); // crosses 100 bytes on line 13
    assertThat(target.text()).isEqualTo(lines(0, 14));

    out.close();
    assertThat(target.text()).isEqualTo(lines(0, 20));
  }

  @Test
  void drainWritesEverythingSoFarInOrder() throws IOException {
    RecordingTarget target = new RecordingTarget();
    BatchingOutputStream out = new BatchingOutputStream(target, FOREVER, 1 << 20, "t-drain");

    writeLines(out, 0, 10);
    out.drain();
    assertThat(target.text()).isEqualTo(lines(0, 10));
    out.drain(); // nothing buffered: no empty write
    assertThat(target.writeCount()).isEqualTo(1);
    out.close();
  }

  @Test
  void afterCloseWritesGoStraightThrough() throws IOException {
    RecordingTarget target = new RecordingTarget();
    BatchingOutputStream out = new BatchingOutputStream(target, FOREVER, 1 << 20, "t-closed");

    writeLines(out, 0, 2);
    out.close();
    writeLines(out, 2, 4);

    assertThat(target.text()).isEqualTo(lines(0, 4));
    assertThat(target.writeCount()).isEqualTo(3);
  }

  @Test
  void concurrentWritersLoseNoLineAndKeepEachWhole() throws Exception {
    RecordingTarget target = new RecordingTarget();
    BatchingOutputStream out =
        new BatchingOutputStream(target, Duration.ofMillis(1), 4096, "t-concurrent");
    int threads = 4;
    int perThread = 2000;
    List<Thread> writers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int id = t;
      writers.add(
          new Thread(
              () -> {
                try {
                  for (int i = 0; i < perThread; i++) {
                    out.write(("w" + id + " " + i + "\n").getBytes(UTF_8));
                  }
                } catch (IOException e) {
                  throw new AssertionError(e);
                }
              }));
    }
    writers.forEach(Thread::start);
    for (Thread writer : writers) {
      writer.join();
    }
    out.close();

    String[] written = target.text().split("\n");
    assertThat(written).hasSize(threads * perThread);
    for (int t = 0; t < threads; t++) {
      String prefix = "w" + t + " ";
      List<String> own = new ArrayList<>();
      for (String line : written) {
        if (line.startsWith(prefix)) {
          own.add(line);
        }
      }
      List<String> expected = new ArrayList<>();
      for (int i = 0; i < perThread; i++) {
        expected.add(prefix + i);
      }
      assertThat(own).as("thread %d's lines, in its order", t).isEqualTo(expected);
    }
  }

  @Test
  void rejectsANegativeLingerOrAnEmptyLimit() {
    assertThatThrownBy(
            () ->
                new BatchingOutputStream(
                    new ByteArrayOutputStream(), Duration.ofMillis(-1), 1, "x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> new BatchingOutputStream(new ByteArrayOutputStream(), Duration.ZERO, 0, "x"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
