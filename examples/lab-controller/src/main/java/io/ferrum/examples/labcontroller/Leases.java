package io.ferrum.examples.labcontroller;

import io.ferrum.fsm.EnumMachine;

/**
 * The lab's own machine: a team's lease of one lab machine, from request to return. It is not one
 * of Ironic's machines and the conductor knows nothing of it; the controller drives it from the
 * conductor's notifications.
 *
 * <p>Approval is guarded by the team's quota: the first {@code APPROVE} transition is taken only
 * while the team has a lease to spare, the second one (unguarded, so it must come last) refuses the
 * request. Entering {@code PROVISIONING} takes one of the team's leases; leaving the lease's life
 * by {@code FAILED} or {@code RETURNED} gives it back.
 */
public final class Leases {

  /** Where a lease stands. */
  public enum LeaseState {
    REQUESTED,
    PROVISIONING,
    READY,
    RELEASING,
    RETURNED,
    REFUSED,
    FAILED
  }

  /** What happens to a lease. */
  public enum LeaseEvent {
    APPROVE,
    DEPLOYED,
    DEPLOY_FAILED,
    RELEASE,
    RELEASED
  }

  /** A team and how many machines it may hold at once; the leases' extended state. */
  public static final class Team {
    final String name;
    final int quota;
    int held;

    public Team(String name, int quota) {
      this.name = name;
      this.quota = quota;
    }

    /** How many machines the team holds now. */
    public synchronized int held() {
      return held;
    }

    // Guards and actions run on the thread that fires the event; the controller fires APPROVE
    // while holding the team's lock, so the guard and the action that follows it see one team.
    synchronized boolean hasSpare() {
      return held < quota;
    }

    synchronized void take() {
      held++;
    }

    synchronized void giveBack() {
      held--;
    }
  }

  /** The lease machine. */
  public static final EnumMachine<LeaseState, LeaseEvent, Team> MACHINE =
      EnumMachine.builder("lease", LeaseState.class, LeaseEvent.class, Team.class)
          .stableState(LeaseState.REQUESTED)
          .transientState(LeaseState.PROVISIONING, LeaseState.READY)
          .stableState(LeaseState.READY)
          .transientState(LeaseState.RELEASING, LeaseState.RETURNED)
          .stableState(LeaseState.RETURNED)
          .stableState(LeaseState.REFUSED)
          .stableState(LeaseState.FAILED)
          .initialState(LeaseState.REQUESTED)
          .transition(LeaseState.REQUESTED, LeaseEvent.APPROVE, LeaseState.PROVISIONING)
          .when("within quota", Team::hasSpare)
          .then(Team::take)
          .transition(LeaseState.REQUESTED, LeaseEvent.APPROVE, LeaseState.REFUSED)
          .transition(LeaseState.PROVISIONING, LeaseEvent.DEPLOYED, LeaseState.READY)
          .transition(LeaseState.PROVISIONING, LeaseEvent.DEPLOY_FAILED, LeaseState.FAILED)
          .then(Team::giveBack)
          .transition(LeaseState.READY, LeaseEvent.RELEASE, LeaseState.RELEASING)
          .transition(LeaseState.RELEASING, LeaseEvent.RELEASED, LeaseState.RETURNED)
          .onEntry(LeaseState.RETURNED, Team::giveBack)
          .build();

  private Leases() {}
}
