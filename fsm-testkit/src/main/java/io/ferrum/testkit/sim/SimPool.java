package io.ferrum.testkit.sim;

import io.ferrum.conductor.NoFreeWorkerException;
import io.ferrum.conductor.WorkerPool;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A conductor's worker pool in the simulation: each job runs on a fiber of its own, started at once
 * (the request waits for its event to be applied, as with any pool) and run until it parks in a
 * driver call; the simulation resumes parked jobs in its seeded order. Bounded like the production
 * pool: past its capacity a job is refused.
 */
final class SimPool implements WorkerPool {

  private final SimRun run;
  private final int conductor;
  private final int capacity;
  private int active;
  private boolean stopped;
  private int started;

  SimPool(SimRun run, int conductor, int capacity) {
    this.run = run;
    this.conductor = conductor;
    this.capacity = capacity;
  }

  @Override
  public CompletableFuture<Void> submit(Runnable job) {
    String label;
    synchronized (this) {
      if (stopped || active >= capacity) {
        throw new NoFreeWorkerException("All " + capacity + " simulated workers are busy");
      }
      active++;
      label = "c" + conductor + "-job" + started++;
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    Fiber fiber =
        new Fiber(
            label,
            conductor,
            () -> {
              Throwable failure = null;
              try {
                job.run();
              } catch (Throwable t) { // NOPMD: the pool's contract: the future carries it
                failure = t;
              } finally {
                synchronized (this) {
                  active--;
                }
              }
              if (failure != null) {
                run.jobEscaped(conductor, label, failure);
                done.completeExceptionally(failure);
              } else {
                done.complete(null);
              }
            });
    run.started(fiber);
    return done;
  }

  /** Counts a job the simulation dropped without running it to its end. */
  synchronized void forget() {
    active--;
  }

  @Override
  public synchronized int active() {
    return active;
  }

  @Override
  public int capacity() {
    return capacity;
  }

  @Override
  public synchronized boolean shutdown(Duration deadline) {
    stopped = true;
    return active == 0;
  }
}
