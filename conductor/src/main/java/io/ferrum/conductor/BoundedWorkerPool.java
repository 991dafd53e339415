package io.ferrum.conductor;

import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link WorkerPool} of up to {@code size} threads and no queue (Ironic's pool, minus the
 * backlog): a job starts at once on a free thread or is refused. Idle threads end after a minute.
 * Thread-safe.
 */
public final class BoundedWorkerPool implements WorkerPool {

  private final ThreadPoolExecutor executor;
  private final int size;

  /** A pool of at most {@code size} workers named {@code <name>-worker-N}. */
  public BoundedWorkerPool(String name, int size) {
    if (size < 1) {
      throw new IllegalArgumentException("worker pool size must be at least 1, not " + size);
    }
    this.size = size;
    AtomicInteger counter = new AtomicInteger();
    this.executor =
        new ThreadPoolExecutor(
            size,
            size,
            60,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            runnable -> {
              Thread thread = new Thread(runnable, name + "-worker-" + counter.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            },
            new ThreadPoolExecutor.AbortPolicy());
    this.executor.allowCoreThreadTimeOut(true);
  }

  @Override
  public Future<?> submit(Runnable job) {
    try {
      return executor.submit(job);
    } catch (RejectedExecutionException e) {
      throw new NoFreeWorkerException(
          executor.isShutdown()
              ? "The conductor is stopping and takes no new work"
              : "No free conductor worker: all " + size + " are busy; retry later",
          e);
    }
  }

  @Override
  public int active() {
    return executor.getActiveCount();
  }

  @Override
  public int capacity() {
    return size;
  }

  @Override
  public boolean shutdown(Duration deadline) {
    executor.shutdown();
    try {
      if (executor.awaitTermination(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
        return true;
      }
      executor.shutdownNow();
      executor.awaitTermination(5, TimeUnit.SECONDS);
      return false;
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
