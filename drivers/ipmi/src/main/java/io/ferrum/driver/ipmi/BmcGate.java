package io.ferrum.driver.ipmi;

import io.ferrum.driver.DriverException;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Serialises the commands sent to one BMC and spaces them by a minimum interval (Ironic's {@code
 * min_command_interval}): many BMCs fail when two sessions overlap or follow too closely. Each BMC
 * has its own queue, so a slow BMC never delays commands to another.
 *
 * <p>Thread-safe. A caller waits for its BMC's turn interruptibly; the queue is fair (first come,
 * first served).
 */
final class BmcGate {

  /** One BMC's queue: a fair lock and when its last command ended. */
  private static final class Slot {
    final ReentrantLock lock = new ReentrantLock(true);
    long lastEnd = Long.MIN_VALUE;
  }

  private final ConcurrentHashMap<String, Slot> slots = new ConcurrentHashMap<>();
  private volatile long intervalNanos;

  BmcGate(Duration interval) {
    this.intervalNanos = interval.toNanos();
  }

  /** Sets the minimum time between the end of one command to a BMC and the start of the next. */
  void interval(Duration interval) {
    this.intervalNanos = interval.toNanos();
  }

  /** Runs {@code command} when {@code bmc}'s queue reaches it and the interval has passed. */
  <T> T run(String bmc, Supplier<T> command) {
    Slot slot = slots.computeIfAbsent(bmc, key -> new Slot());
    try {
      slot.lock.lockInterruptibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DriverException("interrupted while waiting for BMC " + bmc, e);
    }
    try {
      long interval = intervalNanos;
      if (slot.lastEnd != Long.MIN_VALUE) {
        long wait = slot.lastEnd + interval - System.nanoTime();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
        }
      }
      return command.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DriverException("interrupted while waiting for BMC " + bmc, e);
    } finally {
      slot.lastEnd = System.nanoTime();
      slot.lock.unlock();
    }
  }
}
