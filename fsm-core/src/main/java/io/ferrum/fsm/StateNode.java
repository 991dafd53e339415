package io.ferrum.fsm;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import java.util.List;

/**
 * One state of a built {@link MachineDefinition}, linked for firing: its entry and exit actions and
 * its row of the transition table, whose edges point straight at their destination nodes, so that
 * firing an event costs one map lookup.
 *
 * <p>Immutable once the definition's constructor has linked it (the only writer of {@link #row}),
 * and published through the definition's final fields: thread-safe.
 */
final class StateNode {
  final StateSpec spec;
  final String name;
  final boolean stable;
  final List<Action<Object>> onEntry;
  final List<Action<Object>> onExit;

  /** Event to candidate edges, in declaration order; set once, while the definition links. */
  ImmutableMap<String, Edge[]> row = ImmutableMap.of();

  StateNode(StateSpec spec, List<Action<Object>> onEntry, List<Action<Object>> onExit) {
    this.spec = spec;
    this.name = spec.name();
    this.stable = spec.stable();
    this.onEntry = ImmutableList.copyOf(onEntry);
    this.onExit = ImmutableList.copyOf(onExit);
  }
}
