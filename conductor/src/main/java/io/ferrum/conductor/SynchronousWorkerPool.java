package io.ferrum.conductor;

import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link WorkerPool} that runs each job on the calling thread before {@link #submit} returns; for
 * tests and deterministic simulation. It behaves like a real pool in every other way: {@code
 * submit} never throws the job's exception (only the returned future's {@code get} does), and it
 * refuses jobs once shut down. {@code capacity} concurrent callers may be inside jobs at once; more
 * are refused, as a full pool would. Thread-safe.
 */
public final class SynchronousWorkerPool implements WorkerPool {

  private final int capacity;
  private final AtomicInteger running = new AtomicInteger();
  private final AtomicBoolean stopped = new AtomicBoolean();

  /** A pool that runs at most {@code capacity} jobs at once (one per calling thread). */
  public SynchronousWorkerPool(int capacity) {
    this.capacity = capacity;
  }

  /** A pool with room for any number of callers. */
  public SynchronousWorkerPool() {
    this(Integer.MAX_VALUE);
  }

  @Override
  public Future<?> submit(Runnable job) {
    if (stopped.get()) {
      throw new NoFreeWorkerException("The conductor is stopping and takes no new work");
    }
    if (running.incrementAndGet() > capacity) {
      running.decrementAndGet();
      throw new NoFreeWorkerException(
          "No free conductor worker: all " + capacity + " are busy; retry later");
    }
    try {
      FutureTask<Void> task = new FutureTask<>(job, null);
      task.run(); // FutureTask keeps any exception for get(); run() itself never throws it.
      return task;
    } finally {
      running.decrementAndGet();
    }
  }

  @Override
  public int active() {
    return running.get();
  }

  @Override
  public int capacity() {
    return capacity;
  }

  @Override
  public boolean shutdown(Duration deadline) {
    stopped.set(true);
    return running.get() == 0;
  }
}
