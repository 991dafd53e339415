package io.ferrum.conductor;

import io.ferrum.conductor.internal.NodeStore;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands out {@link Task tasks}, the only way to work on a node.
 *
 * <p>An exclusive task takes the node's reservation with one conditional {@code UPDATE} ({@code ...
 * SET reservation = :conductor, reservation_token = :token WHERE id = :id AND reservation IS
 * NULL}), so exactly one contender wins, across threads and across conductors sharing the database.
 * The token is the task's own: every write the task makes is guarded by it. A busy node is tried
 * again after 10 ms, then after twice as long each time (at most half a second apart), until the
 * conductor's lock wait (2 s by default) is spent; then {@link NodeLockedException} names the
 * holder. A shared task takes nothing and only reads.
 *
 * <p>Thread-safe.
 */
public final class TaskManager {

  private static final Logger LOG = LoggerFactory.getLogger(TaskManager.class);
  private static final long FIRST_RETRY_MILLIS = 10;
  private static final long MAX_RETRY_MILLIS = 500;

  private final ConductorContext ctx;

  TaskManager(ConductorContext ctx) {
    this.ctx = ctx;
  }

  /**
   * Starts a task on the node with UUID or name {@code ident}.
   *
   * @param purpose what the task is for (logs, lock messages)
   * @throws NodeNotFoundException if there is no such node
   * @throws NodeLockedException if an exclusive lock stayed taken for the whole lock wait
   */
  public Task acquire(String ident, String purpose, LockMode mode) {
    if (mode == LockMode.SHARED) {
      return new Task(ctx, ctx.withHandle("read node " + ident, h -> ctx.find(h, ident)), purpose);
    }
    long start = System.nanoTime();
    long token = ctx.live.open(purpose);
    try {
      Task task = new Task(ctx, reserveByKey(ident, purpose, token), purpose, token);
      ctx.locksAcquired.increment();
      try {
        ctx.probe.reached(TaskProbe.Point.LOCK_TAKEN, ctx.name, task.node().uuid(), purpose);
      } catch (Throwable t) { // NOPMD: the caller never gets the task, so it is released here
        task.close();
        throw t;
      }
      return task;
    } catch (Throwable t) {
      // Whether the reservation failed or its outcome is unknown, no task holds this token: if
      // the database took it after all, recovery finds a reservation with no live task behind it.
      ctx.live.close(token);
      if (t instanceof NodeLockedException) {
        ctx.locksRefused.increment();
      }
      throw t;
    } finally {
      ctx.lockWaitNanos.add(System.nanoTime() - start);
    }
  }

  private Node reserveByKey(String ident, String purpose, long token) {
    // The common case in one statement: reserve by key, returning the row. Only a busy or
    // missing node takes the slower path with retries.
    String column = ConductorContext.keyColumn(ident);
    String value = ConductorContext.keyValue(ident);
    // A single statement needs no transaction of its own: auto-commit saves the COMMIT.
    Node reserved =
        ctx.withHandle(
                "reserve node " + ident,
                h -> NodeStore.reserveBy(h, ctx.dialect, column, value, ctx.name, token))
            .orElse(null);
    if (reserved != null) {
      return reserved;
    }
    Node node = ctx.withHandle("read node " + ident, h -> ctx.find(h, ident));
    return reserve(ctx, node, purpose, token);
  }

  /**
   * Reserves {@code node} with {@code token}, retrying with backoff for up to the conductor's lock
   * wait; returns the node freshly read under the reservation.
   */
  static Node reserve(ConductorContext ctx, Node node, String purpose, long token) {
    String holder = node.reservation();
    long waitedMillis = 0;
    long nextSleep = FIRST_RETRY_MILLIS;
    int quickRetries = 0;
    Duration lockWait = ctx.lockWait;
    while (true) {
      Node reserved =
          ctx.inTransaction(
              "reserve node " + node.label(),
              h ->
                  NodeStore.reserve(h, node.id(), ctx.name, token)
                      ? NodeStore.findById(h, node.id()).orElseThrow()
                      : null);
      if (reserved != null) {
        return reserved;
      }
      Node current =
          ctx.withHandle("read node " + node.label(), h -> NodeStore.findById(h, node.id()))
              .orElseThrow(
                  () -> new NodeNotFoundException("Node " + node.label() + " could not be found."));
      holder = current.reservation();
      if (holder == null && quickRetries++ < 100) {
        continue; // released between our UPDATE and this read: try again at once
      }
      long left = lockWait.toMillis() - waitedMillis;
      if (left <= 0) {
        break;
      }
      long sleep = Math.min(nextSleep, left);
      LOG.debug(
          "Node {} is locked by {}; '{}' retries in {} ms", node.label(), holder, purpose, sleep);
      sleep(sleep);
      waitedMillis += sleep;
      nextSleep = Math.min(nextSleep * 2, MAX_RETRY_MILLIS);
    }
    throw new NodeLockedException(
        "Node "
            + node.label()
            + " is locked by host "
            + holder
            + ", please retry after the current operation is completed.");
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new NodeLockedException("Interrupted while waiting for a node lock", e);
    }
  }
}
