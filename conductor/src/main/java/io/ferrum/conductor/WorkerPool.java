package io.ferrum.conductor;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Runs the conductor's jobs. Bounded and without a queue: a job either starts now on a free worker
 * or is refused with {@link NoFreeWorkerException}, so a caller never waits behind a backlog and a
 * refused request changes nothing.
 *
 * <p>Contract for implementations (the same tests pass on all of them):
 *
 * <ul>
 *   <li>{@link #submit} never throws the job's exception; the returned future completes
 *       exceptionally with it;
 *   <li>the returned future completes only once the job has returned <em>and</em> its worker counts
 *       as free again: a job submitted when it completes is never refused for want of that worker;
 *   <li>it throws {@link NoFreeWorkerException} when every worker is busy or the pool is stopping;
 *   <li>it is thread-safe.
 * </ul>
 */
public interface WorkerPool extends AutoCloseable {

  /**
   * Starts {@code job} on a free worker.
   *
   * @return completes when the job has returned and its worker is free again
   * @throws NoFreeWorkerException if every worker is busy or the pool is shutting down
   */
  CompletableFuture<Void> submit(Runnable job);

  /** How many jobs are running now. */
  int active();

  /** The most jobs that can run at once. */
  int capacity();

  /**
   * Stops taking jobs, waits up to {@code deadline} for running ones, then interrupts what is left.
   *
   * @return whether every job finished within the deadline
   */
  boolean shutdown(Duration deadline);

  /** {@link #shutdown(Duration)} with a deadline of one minute. */
  @Override
  default void close() {
    shutdown(Duration.ofMinutes(1));
  }
}
