package io.ferrum.conductor;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;

/**
 * The accounting both worker pools share, so they refuse, count and complete in exactly the same
 * way: a job takes a slot or is refused; its slot is given back before its future completes.
 * Thread- safe.
 */
final class WorkerSlots {

  private final int capacity;
  private final Semaphore free;
  private volatile boolean stopping;

  WorkerSlots(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("worker pool size must be at least 1, not " + capacity);
    }
    this.capacity = capacity;
    this.free = new Semaphore(capacity);
  }

  /**
   * Takes a slot for a job.
   *
   * @throws NoFreeWorkerException if none is free or the pool is stopping
   */
  void take() {
    if (stopping) {
      throw new NoFreeWorkerException("The conductor is stopping and takes no new work");
    }
    if (!free.tryAcquire()) {
      throw new NoFreeWorkerException(
          "No free conductor worker: all " + capacity + " are busy; retry later");
    }
  }

  /** Gives back a slot taken for a job that never started. */
  void giveBack() {
    free.release();
  }

  /**
   * Runs {@code job} in a taken slot: gives the slot back, then completes {@code done}, with the
   * job's failure if it threw.
   */
  void run(Runnable job, CompletableFuture<Void> done) {
    Throwable failure = null;
    try {
      job.run();
    } catch (Throwable t) { // NOPMD: the job's failure belongs to its future, never to the pool
      failure = t;
    } finally {
      free.release();
    }
    if (failure == null) {
      done.complete(null);
    } else {
      done.completeExceptionally(failure);
    }
  }

  void stop() {
    stopping = true;
  }

  boolean stopping() {
    return stopping;
  }

  int active() {
    return capacity - free.availablePermits();
  }

  int capacity() {
    return capacity;
  }
}
