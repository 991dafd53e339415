package io.ferrum.conductor;

import io.ferrum.conductor.internal.NodeStore;
import io.ferrum.fsm.ProvisionMachine;
import io.ferrum.fsm.ProvisionState;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * Design of reservation recovery.
 *
 * Invariant: a node is reserved under this conductor's name only while a live task of this
 * conductor holds it, and it rests in a working state (deploying, cleaning, ...) or with a pending
 * power change only while a live job of this conductor runs on it.
 *
 * What breaks it: a release or a failure write that fails (database down), a commit whose outcome
 * is unknown, a job still stuck when the conductor stops, the conductor dying (its next run under
 * the same name finds the leftovers).
 *
 * Repair: a pass finds (a) reservations under this conductor's name whose token no live task owns,
 * and (b) unreserved nodes whose last work ran here and that rest in a working state or with a
 * pending power change. For each, it takes the reservation with a fresh token (which fences out
 * the old holder, should it ever run again), moves a working state along its fail edge and clears
 * a pending power change (last_error, history row, error notification, and a start notification
 * first if the start landed unannounced), and releases the node. A node resting in a stable,
 * failure, hold or wait state only gets its reservation back.
 *
 * When: at start-up (everything under this name is left over), every recovery interval, soon
 * after any orphan is reported (then with a backoff that doubles up to the interval while the
 * database keeps failing), and at shutdown (work still running past the deadline is failed).
 */
/**
 * Finds and repairs this conductor's reservations and nodes that no task is behind. Thread-safe.
 */
final class ReservationRecovery {

  private static final Logger LOG = LoggerFactory.getLogger(ReservationRecovery.class);
  private static final Duration FIRST_RETRY = Duration.ofSeconds(1);

  /** Why a pass runs: the words of {@code last_error} depend on it. */
  enum Occasion {
    /** At start-up: whatever this name holds was left by a previous run. */
    STARTUP,
    /** In a running conductor: reservations whose task is gone. */
    LIVE,
    /** At shutdown: after running work had its deadline. */
    SHUTDOWN,
    /** Another conductor died: its work cannot resume anywhere. */
    TAKEOVER
  }

  private static final List<String> WORKING =
      ProvisionMachine.STUCK_STATES_TREATED_AS_FAIL.stream().map(ProvisionState::value).toList();

  private final ConductorContext ctx;
  private final Duration interval;
  private final AtomicBoolean retryPending = new AtomicBoolean();
  private volatile Duration backoff = FIRST_RETRY;
  private volatile Periodics.Periodic periodic;
  private final java.util.concurrent.atomic.AtomicLong repairedTotal =
      new java.util.concurrent.atomic.AtomicLong();

  ReservationRecovery(ConductorContext ctx, Duration interval) {
    this.ctx = ctx;
    this.interval = interval;
  }

  /** How many nodes were repaired since the conductor started (start-up pass included). */
  long repaired() {
    return repairedTotal.get();
  }

  /** Runs on {@code task}'s thread from now on: every interval, and soon after orphans appear. */
  void schedule(Periodics.Periodic task) {
    this.periodic = task;
    task.every(interval);
    ctx.orphans.onAdd(this::retrySoon);
  }

  /** The periodic run: a live pass, then a quicker retry while anything is left to repair. */
  void run() {
    retryPending.set(false);
    try {
      pass(Occasion.LIVE);
    } catch (DatabaseException e) {
      LOG.warn(
          "Conductor {}: reservation recovery waits for the database: {}",
          ctx.name,
          e.getMessage());
    }
    if (ctx.orphans.size() > 0) {
      retrySoon();
    } else {
      backoff = FIRST_RETRY;
    }
  }

  private void retrySoon() {
    Periodics.Periodic task = periodic;
    if (task == null || !retryPending.compareAndSet(false, true)) {
      return;
    }
    Duration delay = backoff;
    Duration doubled = delay.multipliedBy(2);
    backoff = interval.isZero() || doubled.compareTo(interval) < 0 ? doubled : interval;
    task.after(delay);
  }

  /**
   * One pass.
   *
   * @return how many nodes were repaired
   * @throws DatabaseException if the database fails; the pass stops and the next one starts over
   */
  int pass(Occasion occasion) {
    return passFor(ctx.name, occasion);
  }

  /**
   * Takes over the work of {@code dead}, a conductor whose heartbeat stopped: its reservations and
   * the nodes its work left mid-way are repaired here, each by exactly one live conductor (the
   * takeover is conditional on the dead one's token); then it is declared dead, unless it came back
   * meanwhile.
   *
   * @param cutoff heartbeats before this instant are dead ones, on the database's clock
   * @return how many nodes were taken over
   */
  int takeOver(String dead, java.time.Instant cutoff) {
    int taken = passFor(dead, Occasion.TAKEOVER);
    boolean declared =
        ctx.inTransaction(
            "declare conductor " + dead + " dead",
            h -> io.ferrum.conductor.internal.ConductorStore.declareDead(h, dead, cutoff));
    if (declared || taken > 0) {
      LOG.warn(
          "Conductor {}: conductor {} stopped heartbeating; took over {} of its node(s)",
          ctx.name,
          dead,
          taken);
    }
    return taken;
  }

  private int passFor(String holder, Occasion occasion) {
    java.time.Instant started = java.time.Instant.now();
    List<NodeStore.Reservation> held =
        ctx.withHandle(
            "find the reservations of conductor " + holder, h -> NodeStore.reservations(h, holder));
    List<Long> stranded =
        ctx.withHandle(
            "find nodes stranded by conductor " + holder,
            h -> NodeStore.stranded(h, holder, WORKING));
    if (holder.equals(ctx.name)) {
      Set<Long> candidates = new HashSet<>(stranded);
      held.forEach(r -> candidates.add(r.id()));
      for (Orphans.Orphan orphan : ctx.orphans.settledUnannounced(candidates, started)) {
        announceIfLanded(orphan);
      }
      ctx.orphans.forgetSettled(candidates, started);
    }
    int repaired = 0;
    for (NodeStore.Reservation reservation : held) {
      if (occasion == Occasion.LIVE && ctx.live.isLive(reservation.token())) {
        continue;
      }
      repaired += repair(reservation.id(), holder, reservation, occasion) ? 1 : 0;
    }
    for (long id : stranded) {
      repaired += repair(id, holder, null, occasion) ? 1 : 0;
    }
    return repaired;
  }

  /**
   * Announces the change of an orphan whose write landed and gave the node back (so no reservation
   * is left to repair), if nothing was written to the node since.
   */
  private void announceIfLanded(Orphans.Orphan orphan) {
    Node node =
        ctx.withHandle("check node " + orphan.nodeId(), h -> NodeStore.findById(h, orphan.nodeId()))
            .orElse(null);
    if (node != null && orphan.unannounced().landedOn(node)) {
      java.util.concurrent.locks.Lock order = ctx.notificationOrder(node.id());
      order.lock();
      try {
        ctx.notify(
            orphan.unannounced().action(),
            orphan.unannounced().status(),
            node,
            orphan.unannounced().extra());
      } finally {
        order.unlock();
      }
      LOG.info(
          "Conductor {}: node {}: announced a change whose commit was reported failed but landed",
          ctx.name,
          node.label());
    }
  }

  private boolean repair(
      long id, String holder, NodeStore.Reservation reserved, Occasion occasion) {
    long token = ctx.live.open("recovery");
    Task task;
    try {
      Node node =
          ctx.inTransaction(
              "recover node " + id,
              h -> {
                boolean taken =
                    reserved != null
                        ? NodeStore.takeOver(h, id, holder, reserved.token(), ctx.name, token)
                        : NodeStore.reserve(h, id, ctx.name, token);
                return taken ? NodeStore.findById(h, id).orElse(null) : null;
              });
      if (node == null) {
        ctx.live.close(token);
        return false; // released, taken or deleted meanwhile: nothing left to repair
      }
      task = new Task(ctx, node, "recovery", token);
    } catch (Throwable t) {
      ctx.live.close(token);
      throw t;
    }
    try (task) {
      Node node = task.node();
      Orphans.Orphan orphan = holder.equals(ctx.name) ? ctx.orphans.get(id) : null;
      if (orphan != null && orphan.unannounced() != null && orphan.unannounced().landedOn(node)) {
        ctx.notify(
            orphan.unannounced().action(),
            orphan.unannounced().status(),
            node,
            orphan.unannounced().extra());
      }
      if (node.targetPowerState() != null) {
        PowerFlows.abort(task, powerReason(occasion, holder, orphan));
        LOG.warn(
            "Conductor {}: cleared the pending power change of node {} ({})",
            ctx.name,
            node.label(),
            occasion);
      }
      String state = task.node().provisionState();
      if (Task.isWorking(state)) {
        String reason = reason(occasion, holder, state, orphan);
        if (task.provisionInstance().canFire("fail")) {
          task.fail(reason);
        } else {
          task.recordFault(reason, null);
        }
        LOG.warn(
            "Conductor {}: node {} was left in \"{}\" with no work behind it; failed it: {}",
            ctx.name,
            node.label(),
            state,
            reason);
      } else {
        LOG.info(
            "Conductor {}: released node {}, reserved with no task behind it",
            ctx.name,
            node.label());
      }
      if (holder.equals(ctx.name)) {
        ctx.orphans.remove(id);
      }
      repairedTotal.incrementAndGet();
      return true;
    }
  }

  private String reason(Occasion occasion, String holder, String state, Orphans.Orphan orphan) {
    return switch (occasion) {
      case TAKEOVER ->
          "The "
              + state
              + " state can't be resumed: conductor "
              + holder
              + " stopped heartbeating and conductor "
              + ctx.name
              + " took the node over. Moving to fail state.";
      case STARTUP ->
          "The "
              + state
              + " state can't be resumed by conductor "
              + ctx.name
              + ". Moving to fail state.";
      case SHUTDOWN ->
          "Conductor "
              + ctx.name
              + " stopped before the "
              + state
              + " work finished. Moving to fail state.";
      case LIVE ->
          orphan != null && orphan.reason() != null
              ? orphan.reason()
              : "The "
                  + state
                  + " state was interrupted: conductor "
                  + ctx.name
                  + " lost track of its work (database failure). Moving to fail state.";
    };
  }

  private String powerReason(Occasion occasion, String holder, Orphans.Orphan orphan) {
    if (occasion == Occasion.LIVE && orphan != null && orphan.reason() != null) {
      return orphan.reason();
    }
    return switch (occasion) {
      case TAKEOVER ->
          "Pending power operation was aborted: conductor " + holder + " stopped heartbeating";
      case STARTUP -> "Pending power operation was aborted due to conductor restart";
      case SHUTDOWN -> "Pending power operation was aborted: conductor " + ctx.name + " stopped";
      case LIVE ->
          "Pending power operation was aborted: conductor "
              + ctx.name
              + " lost track of it (database failure)";
    };
  }
}
