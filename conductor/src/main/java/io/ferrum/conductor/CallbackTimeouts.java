package io.ferrum.conductor;

import io.ferrum.conductor.internal.NodeStore;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The periodic check of wait-state deadlines: a node whose callback did not arrive in time ({@code
 * wait call-back}, {@code clean wait}, ...) takes its {@code fail} edge through the normal task
 * path. Deadlines are stored in the node's row, so any live conductor finds them, restarts
 * included. A busy node waits for the next check; a failure on one node is logged and never stops
 * the others.
 *
 * <p>Thread-safe.
 */
final class CallbackTimeouts {

  private static final Logger LOG = LoggerFactory.getLogger(CallbackTimeouts.class);

  private final ConductorContext ctx;
  private final TaskManager tasks;

  CallbackTimeouts(ConductorContext ctx, TaskManager tasks) {
    this.ctx = ctx;
    this.tasks = tasks;
  }

  /** One check of every expired node; returns how many nodes timed out. */
  int check() {
    return check(node -> true);
  }

  /** One check of the expired nodes {@code mine} accepts; returns how many nodes timed out. */
  int check(java.util.function.Predicate<NodeStore.Expired> mine) {
    int failed = 0;
    for (NodeStore.Expired expired :
        ctx.withHandle("find expired waits", h -> NodeStore.expired(h, ctx.now()))) {
      if (!mine.test(expired)) {
        continue;
      }
      String uuid = expired.uuid();
      try {
        failed += expire(uuid) ? 1 : 0;
      } catch (NodeLockedException | NodeNotFoundException | LockLostException e) {
        LOG.debug("Timeout check skips node {}: {}", uuid, e.getMessage());
      } catch (Throwable e) { // NOPMD: one node's failure must not stop the others
        if (Task.expected(e)) {
          LOG.warn("Timeout check of node {} failed: {}", uuid, Task.describe(e));
        } else {
          LOG.warn("Timeout check of node {} failed: {}", uuid, Task.describe(e), e);
        }
      }
    }
    return failed;
  }

  private boolean expire(String uuid) {
    String from;
    Instant failedAt;
    try (Task task = tasks.acquire(uuid, "callback timeout", LockMode.EXCLUSIVE)) {
      Node node = task.node();
      Instant deadline = ctx.withHandle("read deadline", h -> NodeStore.deadline(h, node.id()));
      if (deadline == null || deadline.isAfter(ctx.now()) || node.maintenance()) {
        return false; // the callback arrived, or someone intervened, meanwhile
      }
      from = node.provisionState();
      task.fail(
          "Timeout reached while waiting for callback for node "
              + node.label()
              + " in state \""
              + from
              + "\"");
      failedAt = task.node().provisionUpdatedAt();
    }
    // Driver calls never run on this thread: a hung BMC must not hold up other nodes' timeouts.
    RamdiskCleanup.afterTimeout(ctx, tasks, uuid, from, failedAt);
    return true;
  }
}
