package io.ferrum.cli.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;

/**
 * Logback's console appender, writing its lines in batches: lines logged within {@code
 * lingerMillis} of each other (default 10) reach the console in one write, from a background
 * thread, instead of one system call each on the thread that logged them. Warnings and errors are
 * written at once, together with everything logged before them; an orderly exit (including SIGTERM)
 * writes what is left. Configured in {@code logback.xml} like {@code ConsoleAppender}, with the
 * extra {@code <lingerMillis>}; 0 keeps the batching but does not wait for more lines.
 */
public class BatchingConsoleAppender extends ConsoleAppender<ILoggingEvent> {

  /** Buffered bytes at which the logging thread writes the batch itself. */
  private static final int LIMIT = 64 * 1024;

  private long lingerMillis = 10;
  private BatchingOutputStream batching;
  private Thread shutdownHook;

  /** How long the writer waits for more lines after the first line of a batch. */
  public void setLingerMillis(long lingerMillis) {
    this.lingerMillis = lingerMillis;
  }

  public long getLingerMillis() {
    return lingerMillis;
  }

  @Override
  public void start() {
    if (lingerMillis < 0) {
      addError("lingerMillis must be 0 or more, not " + lingerMillis);
      return;
    }
    super.start();
    if (batching != null && !isStarted()) {
      closeQuietly(batching); // misconfigured (no encoder, say): no writer thread left behind
      batching = null;
    } else if (batching != null) {
      BatchingOutputStream stream = batching;
      // Logback's own shutdown hook is optional; lines logged while the daemon shuts down must not
      // wait in the buffer, so the stream switches to writing through when the JVM begins to exit.
      shutdownHook = new Thread(() -> closeQuietly(stream), "ferrum-log-drain");
      Runtime.getRuntime().addShutdownHook(shutdownHook);
    }
  }

  @Override
  protected OutputStream wrapTarget(OutputStream target) {
    batching =
        new BatchingOutputStream(
            super.wrapTarget(target),
            Duration.ofMillis(lingerMillis),
            LIMIT,
            "ferrum-log-writer-" + getName());
    return batching;
  }

  @Override
  protected void subAppend(ILoggingEvent event) {
    super.subAppend(event);
    if (event.getLevel().isGreaterOrEqual(Level.WARN)) {
      try {
        batching.drain();
      } catch (IOException e) {
        addError("could not write to the console", e);
      }
    }
  }

  @Override
  public void stop() {
    super.stop();
    if (shutdownHook != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException alreadyExiting) {
        // The hook is running or has run: it drains the stream itself.
      }
      shutdownHook = null;
    }
    if (batching != null) {
      closeQuietly(batching);
    }
  }

  private static void closeQuietly(BatchingOutputStream stream) {
    try {
      stream.close();
    } catch (IOException e) {
      // Standard error is gone: nothing left to tell.
    }
  }
}
