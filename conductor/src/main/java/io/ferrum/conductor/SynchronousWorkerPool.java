package io.ferrum.conductor;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link WorkerPool} that runs each job on the calling thread before {@link #submit} returns; for
 * tests and deterministic simulation. It behaves like {@link BoundedWorkerPool} in every other way,
 * through the same accounting: {@code submit} never throws the job's exception (the returned future
 * completes with it), {@code capacity} callers may be inside jobs at once and more are refused, a
 * slot is free again before the job's future completes, and it refuses jobs once shut down.
 * Thread-safe.
 */
public final class SynchronousWorkerPool implements WorkerPool {

  private final WorkerSlots slots;

  /** A pool that runs at most {@code capacity} jobs at once (one per calling thread). */
  public SynchronousWorkerPool(int capacity) {
    this.slots = new WorkerSlots(capacity);
  }

  /** A pool with room for any number of callers. */
  public SynchronousWorkerPool() {
    this(Integer.MAX_VALUE);
  }

  @Override
  public CompletableFuture<Void> submit(Runnable job) {
    slots.take();
    CompletableFuture<Void> done = new CompletableFuture<>();
    slots.run(job, done);
    return done;
  }

  @Override
  public int active() {
    return slots.active();
  }

  @Override
  public int capacity() {
    return slots.capacity();
  }

  @Override
  public boolean shutdown(Duration deadline) {
    slots.stop();
    long end = System.nanoTime() + deadline.toNanos();
    while (slots.active() > 0 && System.nanoTime() < end) {
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return slots.active() == 0;
  }
}
