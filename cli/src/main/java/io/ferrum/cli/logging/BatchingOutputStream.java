package io.ferrum.cli.logging;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An output stream that gathers what is written for a short while and passes it on to its target in
 * one write, from a background thread.
 *
 * <p>The daemon logs one line per request and one per transition: about twenty lines per node
 * lifecycle, each of which would otherwise cost its own {@code write} system call on the thread
 * that serves the request. Here a writer thread is woken by the first line written into an empty
 * buffer, waits {@code linger} for more, and writes them all at once. Nothing is dropped: a writer
 * that fills {@code limit} bytes passes the buffer on itself, {@link #drain()} passes it on at once
 * (the appender calls it for warnings and errors), and once {@link #close() closed} every write
 * goes straight to the target. The bytes reach the target in the order they were written.
 *
 * <p>What is lost if the process is killed outright ({@code kill -9}, a JVM crash) is at most the
 * last {@code linger} of output; an orderly exit drains the buffer first.
 */
final class BatchingOutputStream extends OutputStream {

  private final OutputStream target;
  private final long lingerNanos;
  private final int limit;

  /** Guards {@link #buffer} and {@link #count}; held only to copy bytes in or to swap buffers. */
  private final Object bufferLock = new Object();

  /** Held while bytes go to the target, so batches reach it whole and in order. */
  private final ReentrantLock targetLock = new ReentrantLock();

  private byte[] buffer = new byte[8192];
  private int count;
  private byte[] spare = new byte[8192]; // touched only under targetLock
  private volatile boolean closed;
  private final Thread writer;

  /**
   * @param target where the bytes go
   * @param linger how long the writer waits for more after the first bytes of a batch
   * @param limit buffered bytes at which a writer passes the batch on itself
   * @param threadName the writer thread's name
   */
  BatchingOutputStream(OutputStream target, Duration linger, int limit, String threadName) {
    if (linger.isNegative() || limit <= 0) {
      throw new IllegalArgumentException("linger must be >= 0 and limit > 0");
    }
    this.target = target;
    this.lingerNanos = linger.toNanos();
    this.limit = limit;
    this.writer = new Thread(this::writeLoop, threadName);
    writer.setDaemon(true);
    writer.start();
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] bytes, int offset, int length) throws IOException {
    if (length == 0) {
      return;
    }
    boolean first;
    boolean full;
    boolean direct;
    synchronized (bufferLock) {
      direct = closed;
      if (!direct) {
        if (count + length > buffer.length) {
          buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, count + length));
        }
        System.arraycopy(bytes, offset, buffer, count, length);
        first = count == 0;
        count += length;
        full = count >= limit;
      } else {
        first = full = false;
      }
    }
    if (direct) {
      writeThrough(bytes, offset, length);
    } else if (full) {
      drain();
    } else if (first) {
      LockSupport.unpark(writer);
    }
  }

  /** Batches are passed on by the writer thread; a flush does not wait for it. */
  @Override
  public void flush() {}

  /** Passes everything buffered so far to the target now, on the calling thread. */
  void drain() throws IOException {
    targetLock.lock();
    try {
      byte[] batch;
      int length;
      synchronized (bufferLock) {
        if (count == 0) {
          return;
        }
        batch = buffer;
        length = count;
        buffer = spare;
        count = 0;
      }
      try {
        target.write(batch, 0, length);
        target.flush();
      } finally {
        spare = batch;
      }
    } finally {
      targetLock.unlock();
    }
  }

  /**
   * Drains the buffer and stops the writer thread (waiting up to a second for it to end); later
   * writes go straight to the target. Does not close the target (standard error stays open).
   */
  @Override
  public void close() throws IOException {
    synchronized (bufferLock) {
      closed = true;
    }
    LockSupport.unpark(writer);
    drain();
    if (Thread.currentThread() != writer) {
      try {
        writer.join(1000); // it only has to notice the close
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void writeThrough(byte[] bytes, int offset, int length) throws IOException {
    targetLock.lock();
    try {
      drain(); // anything buffered before the close goes first
      target.write(bytes, offset, length);
      target.flush();
    } finally {
      targetLock.unlock();
    }
  }

  private boolean buffered() {
    synchronized (bufferLock) {
      return count > 0;
    }
  }

  private void writeLoop() {
    while (!closed) {
      // Woken by the first bytes written into an empty buffer (or by close).
      LockSupport.park(this);
      if (closed || !buffered()) {
        continue;
      }
      long deadline = System.nanoTime() + lingerNanos;
      for (long left = lingerNanos; left > 0 && !closed; left = deadline - System.nanoTime()) {
        LockSupport.parkNanos(this, left);
      }
      try {
        drain();
      } catch (IOException | RuntimeException e) {
        // Standard error is gone or broken: nowhere left to report it. Keep the thread alive so
        // that the next batch is tried again.
      }
    }
  }
}
