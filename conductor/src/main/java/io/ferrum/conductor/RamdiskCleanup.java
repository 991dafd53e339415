package io.ferrum.conductor;

import io.ferrum.fsm.ProvisionState;
import java.time.Instant;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Undoes what a deploy or a cleaning set up for itself once it ended badly (its work failed, its
 * callback timed out, or it was aborted): the deploy interface's {@code cleanUp} after a deploy,
 * the clean interface's {@code tearDownCleaning} (power off, remove ramdisk boot files) after a
 * cleaning. Best effort: a failure is logged and never replaces the reason the node failed.
 * Stateless.
 */
final class RamdiskCleanup {

  private static final Logger LOG = LoggerFactory.getLogger(RamdiskCleanup.class);

  /** States a deploy passes through before it ends. */
  static final Set<String> DEPLOYING =
      values(ProvisionState.DEPLOYING, ProvisionState.WAIT_CALL_BACK, ProvisionState.DEPLOY_HOLD);

  /** States a cleaning passes through before it ends. */
  static final Set<String> CLEANING =
      values(ProvisionState.CLEANING, ProvisionState.CLEAN_WAIT, ProvisionState.CLEAN_HOLD);

  private static Set<String> values(ProvisionState... states) {
    return java.util.Arrays.stream(states)
        .map(ProvisionState::value)
        .collect(java.util.stream.Collectors.toUnmodifiableSet());
  }

  private RamdiskCleanup() {}

  /**
   * Has the driver undo what the operation that was in state {@code from} set up, under {@code
   * task}'s reservation; does nothing for other states.
   */
  static void after(Task task, String from) {
    String what = DEPLOYING.contains(from) ? "deploy" : CLEANING.contains(from) ? "clean" : null;
    if (what == null) {
      return;
    }
    try {
      if (what.equals("deploy")) {
        task.driver().deploy().cleanUp(task.driverNode());
      } else {
        task.driver().clean().tearDownCleaning(task.driverNode());
      }
    } catch (VirtualMachineError e) {
      throw e;
    } catch (RuntimeException | Error e) { // NOPMD: best effort; the node's failure is recorded
      LOG.warn(
          "Node {}: could not undo what the failed {} set up: {}",
          task.node().label(),
          what,
          Task.describe(e));
    }
  }

  /**
   * {@link #after} in a worker of its own, for a node whose {@code from} state just timed out and
   * was failed at {@code failedAt}: only while the node still is as that failure left it (no later
   * request started anything on it). Skipped, and logged, when no worker is free or the node is
   * busy.
   */
  static void afterTimeout(
      ConductorContext ctx, TaskManager tasks, String uuid, String from, Instant failedAt) {
    if (!DEPLOYING.contains(from) && !CLEANING.contains(from)) {
      return;
    }
    try {
      ctx.pool.submit(
          () -> {
            try (Task task = tasks.acquire(uuid, "clean up after timeout", LockMode.EXCLUSIVE)) {
              if (!failedAt.equals(task.node().provisionUpdatedAt())) {
                return; // something else happened to the node meanwhile
              }
              after(task, from);
            } catch (RuntimeException e) {
              LOG.warn(
                  "Node {}: no clean-up after its timeout in \"{}\": {}",
                  uuid,
                  from,
                  Task.describe(e));
            }
          });
    } catch (RuntimeException e) {
      LOG.warn(
          "Node {}: no clean-up after its timeout in \"{}\": {}", uuid, from, Task.describe(e));
    }
  }
}
