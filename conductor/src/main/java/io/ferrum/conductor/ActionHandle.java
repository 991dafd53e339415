package io.ferrum.conductor;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The two moments of an asynchronous request.
 *
 * <ol>
 *   <li>{@link #applied()}: the node right after its worker started and committed the event (the
 *       transient state and its target, or the target power state). Available as soon as the
 *       request returns: a client reading the node now sees this.
 *   <li>{@link #done()}: completes when the work ends, with the node as it was then. If the work
 *       failed, the failure was already handled in the worker (failure state, {@code last_error},
 *       fault record, error notification, lock released) and the future completes exceptionally
 *       with the original exception, so that only someone who waits sees it.
 * </ol>
 *
 * <p>Thread-safe.
 */
public final class ActionHandle {

  private final Node applied;
  private final CompletableFuture<Node> done;

  ActionHandle(Node applied, CompletableFuture<Node> done) {
    this.applied = applied;
    this.done = done;
  }

  /** The node right after the event was applied and committed by the worker. */
  public Node applied() {
    return applied;
  }

  /** Completes with the node when the work ends; exceptionally with the work's failure. */
  public CompletableFuture<Node> done() {
    return done;
  }

  /**
   * Waits for the work to end.
   *
   * @return the node when the work ended
   * @throws ExecutionException with the work's failure as the cause
   * @throws TimeoutException if the work is still running after {@code timeout}
   */
  public Node await(Duration timeout)
      throws ExecutionException, TimeoutException, InterruptedException {
    return done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Waits for the work to end, without checked exceptions.
   *
   * @return the node when the work ended
   * @throws WorkFailedException with the work's failure as the cause (it was already handled in the
   *     worker: the node shows it)
   * @throws WorkTimeoutException if the work is still running after {@code timeout}; it goes on
   * @throws WorkTimeoutException if the waiting thread is interrupted (its interrupt flag is set
   *     again)
   */
  public Node join(Duration timeout) {
    try {
      return await(timeout);
    } catch (ExecutionException e) {
      throw new WorkFailedException(
          "The work on node " + applied.label() + " failed: " + Task.describe(e.getCause()),
          e.getCause());
    } catch (TimeoutException e) {
      throw new WorkTimeoutException(
          "The work on node " + applied.label() + " is still running after " + timeout, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WorkTimeoutException(
          "Interrupted while waiting for the work on node " + applied.label(), e);
    }
  }
}
