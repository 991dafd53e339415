package io.ferrum.conductor;

import io.ferrum.fsm.FiredTransition;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * Design of the job.
 *
 * Order, on the worker thread: post-process-event (the event's write, then its start
 * notification); `applied` completes, which lets the request return; the work runs; a failure of
 * the work is handled; the reservation is released if the work's last write did not release it
 * already. Only then does the pool count the worker free and complete its future, and only then
 * does `done` complete: whoever waits for the work finds the node unlocked and can start the next
 * job at once.
 *
 * Failure: every Throwable from the work is handled here, never left to the pool. A failure is
 * handled once its write committed; a handling that fails (database down) leaves an orphan, and
 * so does a release that fails, and ReservationRecovery finishes the job once the database
 * answers. A post-process-event whose outcome is unknown (the commit failed and the row could not
 * be read) leaves an orphan that remembers the unannounced start, so the start notification is
 * never lost if the event landed after all.
 */
/** One handed-off task's run on a worker. Thread-safe: created on the request thread, run once. */
final class Job implements Runnable {

  private static final Logger LOG = LoggerFactory.getLogger(Job.class);

  private final Task task;
  private final Task.Pending pending;
  private final CompletableFuture<Node> applied = new CompletableFuture<>();

  /**
   * Set once by whichever comes first: the worker starting the job, or the request taking it back
   * because no worker started it in time. The loser does nothing.
   */
  private final AtomicBoolean claimed = new AtomicBoolean();

  private volatile boolean takenBack;
  private volatile Node result;
  private volatile Throwable failure;

  /**
   * Set when the work's outcome could not be recorded: the node then keeps its reservation for
   * recovery ({@link Task#leaveToRecovery()}) instead of being released. Only the worker's thread
   * writes it.
   */
  private boolean leftToRecovery;

  Job(Task task, Task.Pending pending) {
    this.task = task;
    this.pending = pending;
  }

  /**
   * Waits until the event was applied and returns the handle whose {@code done} completes once
   * {@code finished} (the pool's future for this job) does. If no worker has started the job within
   * {@code startWait}, or the pool completes {@code finished} without running it, the job is taken
   * back: it will not run, and this throws {@link NoFreeWorkerException} with {@link #takenBack()}
   * set, the node untouched and still held by the request's task.
   */
  ActionHandle handle(CompletableFuture<Void> finished, Duration startWait) {
    CompletableFuture<Node> done = new CompletableFuture<>();
    finished.whenComplete(
        (ignored, poolFailure) -> {
          if (takeBack()) {
            applied.completeExceptionally(
                new NoFreeWorkerException(
                    "The worker pool ended the job for node "
                        + task.node().label()
                        + " without running it; the node was not changed.",
                    poolFailure));
          }
          Throwable cause = failure != null ? failure : poolFailure;
          if (cause != null) {
            done.completeExceptionally(cause);
          } else {
            done.complete(result);
          }
        });
    try {
      return new ActionHandle(awaitApplied(startWait), done);
    } catch (ExecutionException | CompletionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException("The job failed to start: " + cause, cause);
    }
  }

  /** Whether the request took the job back before any worker started it. */
  boolean takenBack() {
    return takenBack;
  }

  private boolean takeBack() {
    if (claimed.compareAndSet(false, true)) {
      takenBack = true;
      return true;
    }
    return false;
  }

  private Node awaitApplied(Duration startWait) throws ExecutionException {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          if (claimed.get()) {
            return applied.get(); // started (or taken back): its outcome is near
          }
          return applied.get(startWait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
          if (takeBack()) {
            throw new ExecutionException(
                new NoFreeWorkerException(
                    "No conductor worker started the job for node "
                        + task.node().label()
                        + " within "
                        + startWait.toMillis()
                        + " ms; the node was not changed. Retry later."));
          }
          // a worker started it meanwhile: wait for its outcome
        } catch (InterruptedException e) {
          interrupted = true; // the event may be landing: the outcome must still be known
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public void run() {
    if (!claimed.compareAndSet(false, true)) {
      return; // the request took the job back: the node is its to release
    }
    try {
      runSteps();
    } finally {
      if (leftToRecovery) {
        task.leaveToRecovery();
      } else {
        task.releaseLock();
      }
      Node node = task.node();
      result = node.reservation() == null ? node : node.withReservation(null);
      if (!applied.isDone()) {
        applied.completeExceptionally(
            new IllegalStateException("The job ended before applying its event"));
      }
    }
  }

  private void runSteps() {
    FiredTransition fired;
    try {
      fired =
          pending instanceof Task.PowerPending power
              ? PowerFlows.start(task, power.request())
              : start((Task.ProvisionPending) pending);
    } catch (Throwable t) { // NOPMD: the request thread is waiting for exactly this outcome
      failure = t;
      if (task.lastWriteUnknown()) {
        task.ctx.orphans.add(
            new Orphans.Orphan(
                task.node().id(),
                Task.truncate(
                    task.purpose()
                        + " could not start: the database failed while recording it ("
                        + Task.describe(t)
                        + ")"),
                task.uncertain(),
                Instant.now()));
      }
      // The caller hears of the failure only once the node is free again, or left to recovery
      // when the start may have landed: recovery then announces it and ends it.
      if (task.lastWriteUnknown()) {
        leftToRecovery = true;
        task.leaveToRecovery();
      } else {
        task.releaseLock();
      }
      applied.completeExceptionally(t);
      return;
    }
    try {
      task.ctx.probe.reached(
          TaskProbe.Point.EVENT_APPLIED, task.ctx.name, task.node().uuid(), task.purpose());
    } catch (Throwable t) { // NOPMD: handled like a failure of the work, the event having landed
      applied.complete(task.node());
      failure = t;
      handleFailure(t);
      return;
    }
    applied.complete(task.node());
    try {
      pending.work().run(task, fired);
    } catch (Throwable t) { // NOPMD: errors inside workers are handled inside workers
      failure = t;
      handleFailure(t);
    }
  }

  private FiredTransition start(Task.ProvisionPending provision) {
    return task.applyProvisionEvent(
        provision.event(), provision.targetOverride(), true, null, null, provision.alsoWrite());
  }

  private void handleFailure(Throwable failure) {
    task.announceIfLanded();
    Node node = task.node();
    String reason =
        task.failReason() != null
            ? task.failReason()
            : Task.truncate(task.purpose() + " failed: " + Task.describe(failure));
    if (Task.expected(failure)) {
      LOG.warn("Node {}: {}", node.label(), reason);
      LOG.debug("Node {}: stack trace of the failure", node.label(), failure);
    } else {
      LOG.warn("Node {}: {}", node.label(), reason, failure);
    }
    if (!task.holdsLock()) {
      LOG.info(
          "Node {}: '{}' no longer holds the node; the failure is only logged",
          node.label(),
          task.purpose());
      return;
    }
    try {
      task.reload();
      if (pending instanceof Task.PowerPending power) {
        PowerFlows.fail(task, power.request(), reason, failure);
      } else if (task.failureHandled()) {
        LOG.info("Node {}: failure already handled by the work itself", node.label());
      } else if (task.provisionInstance().canFire("fail")) {
        task.applyProvisionEvent("fail", null, false, reason, failure, null);
      } else {
        task.recordFault(reason, failure);
      }
    } catch (LockLostException lost) {
      LOG.warn("Node {}: {}", node.label(), lost.getMessage());
    } catch (Throwable handling) { // NOPMD: recovery takes over whatever went wrong here
      if (handling instanceof DatabaseException) {
        // Expected while the database is down: one line per node, the trace at debug level.
        LOG.warn(
            "Node {}: could not record the failure of '{}' ({}): {}; the conductor's reservation"
                + " recovery finishes it once the database answers",
            node.label(),
            task.purpose(),
            reason,
            handling.getMessage());
        LOG.debug("Node {}: stack trace of the database failure", node.label(), handling);
      } else {
        LOG.error(
            "Node {}: could not record the failure of '{}' ({}); the conductor's reservation"
                + " recovery finishes it once the database answers",
            node.label(),
            task.purpose(),
            reason,
            handling);
      }
      task.ctx.orphans.add(new Orphans.Orphan(node.id(), reason, task.uncertain(), Instant.now()));
      leftToRecovery = true;
    }
  }
}
