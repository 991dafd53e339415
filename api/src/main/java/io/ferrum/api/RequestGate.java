package io.ferrum.api;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Admission for received requests: at most {@code workers} are processed at once and at most {@code
 * queue} wait for their turn, each for at most {@code maxWait}; a request that finds the queue
 * full, or waits too long, is turned away (the server answers 503). Thread-safe.
 */
final class RequestGate {

  private final Semaphore slots;
  private final int workers;
  private final int queue;
  private final Duration maxWait;
  private final AtomicInteger waiting = new AtomicInteger();

  RequestGate(int workers, int queue, Duration maxWait) {
    this.slots = new Semaphore(workers, true);
    this.workers = workers;
    this.queue = queue;
    this.maxWait = maxWait;
  }

  /**
   * Takes a slot, waiting in the queue if there is room. Every {@code true} must be followed by one
   * {@link #leave()}.
   *
   * @return whether a slot was taken
   */
  boolean enter() throws InterruptedException {
    if (slots.tryAcquire()) {
      return true;
    }
    if (waiting.incrementAndGet() > queue) {
      waiting.decrementAndGet();
      return false;
    }
    try {
      return slots.tryAcquire(maxWait.toNanos(), TimeUnit.NANOSECONDS);
    } finally {
      waiting.decrementAndGet();
    }
  }

  /** Gives the slot back. */
  void leave() {
    slots.release();
  }

  /** Requests being processed now. */
  int busy() {
    return workers - slots.availablePermits();
  }
}
