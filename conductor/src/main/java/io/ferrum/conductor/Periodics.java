package io.ferrum.conductor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The conductor's periodic tasks, each on a thread of its own, so a slow or hung sweep (a BMC that
 * never answers) delays nothing but itself. Whatever a run throws, {@link Error}s included, is
 * logged and the task runs again at its next period.
 *
 * <p>Thread-safe.
 */
final class Periodics {

  private static final Logger LOG = LoggerFactory.getLogger(Periodics.class);

  private final String conductor;
  private final List<ScheduledExecutorService> threads = new ArrayList<>();
  private volatile boolean stopped;

  Periodics(String conductor) {
    this.conductor = conductor;
  }

  /** One periodic task: run it {@link #every} period, or {@link #after} a delay, on its thread. */
  final class Periodic {
    private final String name;
    private final Runnable body;
    private final ScheduledExecutorService thread;
    private volatile boolean halted;
    private volatile boolean spared;

    private Periodic(String name, Runnable body) {
      this.name = name;
      this.body = body;
      this.thread =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, conductor + "-" + name);
                t.setDaemon(true);
                return t;
              });
    }

    /** Runs the task every {@code interval} (none when zero or negative), the first after one. */
    Periodic every(Duration interval) {
      if (interval.isZero() || interval.isNegative()) {
        return this;
      }
      long millis = interval.toMillis();
      thread.scheduleWithFixedDelay(this::runOnce, millis, millis, TimeUnit.MILLISECONDS);
      return this;
    }

    /**
     * Runs the task every {@code interval} from one run's start to the next's (none when zero or
     * negative), the first after one: a run that takes longer is followed at once by the next,
     * never by a burst of the runs it missed.
     */
    Periodic startingEvery(Duration interval) {
      if (interval.isZero() || interval.isNegative()) {
        return this;
      }
      schedule(() -> runAtRate(interval.toNanos()), interval.toNanos());
      return this;
    }

    private void runAtRate(long period) {
      long start = System.nanoTime();
      runOnce();
      if (!halted && !(stopped && !spared)) {
        schedule(() -> runAtRate(period), Math.max(0, start + period - System.nanoTime()));
      }
    }

    private void schedule(Runnable run, long delayNanos) {
      try {
        thread.schedule(run, delayNanos, TimeUnit.NANOSECONDS);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // stopping
      }
    }

    /** Runs the task once more after {@code delay}, between its regular runs. */
    void after(Duration delay) {
      if (stopped || halted) {
        return;
      }
      try {
        thread.schedule(this::runOnce, delay.toMillis(), TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // stopping
      }
    }

    /**
     * Stops this task alone: a run in progress is interrupted and waited for up to {@code wait}.
     */
    void stop(Duration wait) {
      halted = true;
      thread.shutdownNow();
      try {
        if (!thread.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS)) {
          LOG.warn(
              "Conductor {}: periodic task '{}' did not stop within {}", conductor, name, wait);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    private void runOnce() {
      if (halted || (stopped && !spared)) {
        return;
      }
      try {
        body.run();
      } catch (DatabaseException e) {
        LOG.warn(
            "Conductor {}: periodic task '{}' waits for the database: {}",
            conductor,
            name,
            e.getMessage());
      } catch (Throwable t) { // NOPMD: a periodic task must survive anything its run throws
        LOG.error(
            "Conductor {}: periodic task '{}' failed; it runs again next period",
            conductor,
            name,
            t);
      }
    }
  }

  /** Creates the periodic task {@code name}; nothing runs until it is scheduled. */
  synchronized Periodic task(String name, Runnable body) {
    Periodic periodic = new Periodic(name, body);
    threads.add(periodic.thread);
    return periodic;
  }

  /**
   * Stops every task but {@code spare} (stopped later with {@link Periodic#stop}): runs in progress
   * are interrupted and waited for up to {@code wait}.
   */
  synchronized void shutdown(Duration wait, Periodic... spare) {
    List<ScheduledExecutorService> stopping = new ArrayList<>(threads);
    for (Periodic kept : spare) {
      if (kept != null) {
        kept.spared = true;
        stopping.remove(kept.thread);
      }
    }
    stopped = true;
    for (ScheduledExecutorService thread : stopping) {
      thread.shutdownNow();
    }
    long deadline = System.nanoTime() + wait.toNanos();
    for (ScheduledExecutorService thread : stopping) {
      try {
        long left = deadline - System.nanoTime();
        if (left > 0 && !thread.awaitTermination(left, TimeUnit.NANOSECONDS)) {
          LOG.warn("Conductor {}: a periodic task did not stop within {}", conductor, wait);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
