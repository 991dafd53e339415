package io.ferrum.conductor;

import io.ferrum.conductor.internal.NodeStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands out {@link Task tasks}, the only way to work on a node.
 *
 * <p>An exclusive task takes the node's reservation with one conditional {@code UPDATE} ({@code ...
 * SET reservation = :conductor WHERE id = :id AND reservation IS NULL}), so exactly one contender
 * wins, across threads and across conductors sharing the database. A busy node is tried again a
 * bounded number of times, a fixed interval apart (Ironic's defaults: 3 attempts, 1 s), then {@link
 * NodeLockedException} names the holder. A shared task takes nothing and only reads.
 *
 * <p>Thread-safe.
 */
public final class TaskManager {

  private static final Logger LOG = LoggerFactory.getLogger(TaskManager.class);

  private final ConductorContext ctx;

  TaskManager(ConductorContext ctx) {
    this.ctx = ctx;
  }

  /**
   * Starts a task on the node with UUID or name {@code ident}.
   *
   * @param purpose what the task is for (logs, lock messages)
   * @throws NodeNotFoundException if there is no such node
   * @throws NodeLockedException if an exclusive lock stayed taken through every retry
   */
  public Task acquire(String ident, String purpose, LockMode mode) {
    if (mode == LockMode.SHARED) {
      return acquireAs(ident, purpose, mode);
    }
    long start = System.nanoTime();
    try {
      Task task = acquireAs(ident, purpose, mode);
      ctx.locksAcquired.increment();
      return task;
    } catch (NodeLockedException e) {
      ctx.locksRefused.increment();
      throw e;
    } finally {
      ctx.lockWaitNanos.add(System.nanoTime() - start);
    }
  }

  private Task acquireAs(String ident, String purpose, LockMode mode) {
    if (mode == LockMode.EXCLUSIVE) {
      // The common case in one statement: reserve by key, returning the row. Only a busy or
      // missing node takes the slower path with retries.
      String column = ConductorContext.keyColumn(ident);
      String value = ConductorContext.keyValue(ident);
      // A single statement needs no transaction of its own: auto-commit saves the COMMIT.
      Node reserved =
          ctx.withHandle(
                  "reserve node " + ident,
                  h -> NodeStore.reserveBy(h, ctx.dialect, column, value, ctx.name))
              .orElse(null);
      if (reserved != null) {
        return new Task(ctx, reserved, purpose, LockMode.EXCLUSIVE);
      }
    }
    Node node = ctx.withHandle("read node " + ident, h -> ctx.find(h, ident));
    if (mode == LockMode.SHARED) {
      return new Task(ctx, node, purpose, LockMode.SHARED);
    }
    return new Task(ctx, reserve(ctx, node, purpose), purpose, LockMode.EXCLUSIVE);
  }

  /** Reserves {@code node} with retries; returns it freshly read under the reservation. */
  static Node reserve(ConductorContext ctx, Node node, String purpose) {
    String holder = node.reservation();
    int quickRetries = 0;
    for (int attempt = 1; attempt <= ctx.lockAttempts; attempt++) {
      Node reserved =
          ctx.inTransaction(
              "reserve node " + node.label(),
              h ->
                  NodeStore.reserve(h, node.id(), ctx.name)
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
        attempt--; // released between our UPDATE and this read: try again at once
        continue;
      }
      if (attempt < ctx.lockAttempts) {
        LOG.debug(
            "Node {} is locked by {}; retry {} for '{}'", node.label(), holder, attempt, purpose);
        sleep(ctx.lockRetryInterval.toMillis());
      }
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
