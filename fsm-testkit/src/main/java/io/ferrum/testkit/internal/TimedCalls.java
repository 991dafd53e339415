package io.ferrum.testkit.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs each driver call on a thread of its own with a deadline, and remembers every outcome. A call
 * past its deadline is interrupted and abandoned: its daemon thread may go on blocking, but the
 * caller moves on.
 *
 * <p>Not thread-safe: one suite, one thread; {@link #close()} interrupts what is still running.
 */
public final class TimedCalls implements AutoCloseable {

  /**
   * What one call did: returned {@code value}, threw {@code thrown}, or did not return in time.
   *
   * @param call the call's name, e.g. {@code power.set(POWER_ON)}
   * @param value what it returned, or {@code null}
   * @param thrown what it threw, or {@code null}
   * @param timedOut whether it was still running at its deadline
   */
  public record Outcome(String call, Object value, Throwable thrown, boolean timedOut) {

    /** Whether the call returned normally. */
    public boolean returned() {
      return thrown == null && !timedOut;
    }
  }

  private static final AtomicInteger THREADS = new AtomicInteger();

  private final Duration deadline;
  private final ExecutorService executor;
  private final List<Outcome> outcomes = new ArrayList<>();

  /** Calls that each get {@code deadline}. */
  public TimedCalls(Duration deadline) {
    this.deadline = deadline;
    this.executor =
        Executors.newCachedThreadPool(
            task -> {
              Thread thread = new Thread(task, "driver-conformance-" + THREADS.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
  }

  /** The deadline of each call. */
  public Duration deadline() {
    return deadline;
  }

  /** Runs {@code body} with the deadline and records its outcome. */
  public Outcome run(String call, Callable<?> body) {
    Future<?> future = executor.submit(body);
    Outcome outcome;
    try {
      outcome =
          new Outcome(call, future.get(deadline.toNanos(), TimeUnit.NANOSECONDS), null, false);
    } catch (ExecutionException e) {
      outcome = new Outcome(call, null, e.getCause(), false);
    } catch (TimeoutException e) {
      future.cancel(true);
      outcome = new Outcome(call, null, null, true);
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while " + call + " ran", e);
    }
    outcomes.add(outcome);
    return outcome;
  }

  /** Every outcome so far, in call order. */
  public List<Outcome> outcomes() {
    return List.copyOf(outcomes);
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
