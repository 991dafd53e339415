package io.ferrum.fsm;

import com.google.common.collect.ImmutableList;
import java.util.List;

/**
 * One transition of a built {@link MachineDefinition}, linked for firing: its structure, its source
 * and destination nodes, and the code attached to it.
 *
 * <p>Immutable and thread-safe.
 */
final class Edge {
  final Transition transition;
  final StateNode from;
  final StateNode to;

  /** The guard's code, or {@code null} when the transition has no guard. */
  final Guard<Object> guard;

  final List<Action<Object>> actions;

  /** Whether taking this edge runs any action (exit, transition or entry). */
  final boolean runsActions;

  Edge(
      Transition transition,
      StateNode from,
      StateNode to,
      Guard<Object> guard,
      List<Action<Object>> actions) {
    this.transition = transition;
    this.from = from;
    this.to = to;
    this.guard = guard;
    this.actions = ImmutableList.copyOf(actions);
    this.runsActions = !from.onExit.isEmpty() || !this.actions.isEmpty() || !to.onEntry.isEmpty();
  }
}
