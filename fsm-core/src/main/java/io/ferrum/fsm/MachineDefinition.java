package io.ferrum.fsm;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSet;
import io.ferrum.fsm.internal.SquirrelEngine;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A validated state machine: states (stable, or transient with the stable state they aim at), an
 * initial state, and transitions {@code (from, event) -> to}, each optionally carrying an {@link
 * TransitionAction action}.
 *
 * <p>Built with {@link #builder(String)}; {@link Builder#build()} refuses a definition with a
 * duplicate {@code (from, event)}, an unknown state, a transient state without a stable target, a
 * state unreachable from the initial one, or a state from which no stable state can be reached.
 *
 * <p>Immutable and thread-safe: one definition serves any number of {@link MachineInstance
 * instances} on any number of threads. Two definitions are equal when they have the same name,
 * initial state, states and transitions (actions compared by id), whatever their declaration order.
 */
public final class MachineDefinition {

  private final String name;
  private final String initialState;
  private final ImmutableList<StateSpec> states;
  private final ImmutableList<Transition> transitions;
  private final ImmutableMap<String, StateSpec> stateByName;
  private final ImmutableMap<String, ImmutableMap<String, Transition>> table;
  private final ImmutableSet<String> events;
  private volatile SquirrelEngine engine;

  private MachineDefinition(
      String name, String initialState, List<StateSpec> states, List<Transition> transitions) {
    this.name = name;
    this.initialState = initialState;
    this.states = ImmutableList.copyOf(states);
    this.transitions = ImmutableList.copyOf(transitions);
    ImmutableMap.Builder<String, StateSpec> byName = ImmutableMap.builder();
    Map<String, ImmutableMap.Builder<String, Transition>> rows = new LinkedHashMap<>();
    for (StateSpec state : states) {
      byName.put(state.name(), state);
      rows.put(state.name(), ImmutableMap.builder());
    }
    ImmutableSet.Builder<String> allEvents = ImmutableSet.builder();
    for (Transition transition : transitions) {
      rows.get(transition.from()).put(transition.event(), transition);
      allEvents.add(transition.event());
    }
    this.stateByName = byName.build();
    ImmutableMap.Builder<String, ImmutableMap<String, Transition>> tableBuilder =
        ImmutableMap.builder();
    rows.forEach((state, row) -> tableBuilder.put(state, row.build()));
    this.table = tableBuilder.build();
    this.events = allEvents.build();
  }

  /** Starts a definition of a machine called {@code name} (used in messages and exports). */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** The machine's name. */
  public String name() {
    return name;
  }

  /** The state a new instance starts in. */
  public String initialState() {
    return initialState;
  }

  /** Every state, in declaration order. */
  public List<StateSpec> states() {
    return states;
  }

  /** Every transition, in declaration order. */
  public List<Transition> transitions() {
    return transitions;
  }

  /** Every event some transition uses, in order of first use. */
  public Set<String> events() {
    return events;
  }

  /** The state called {@code stateName}, if the machine has one. */
  public Optional<StateSpec> state(String stateName) {
    return Optional.ofNullable(stateByName.get(stateName));
  }

  /** Whether the machine has a state called {@code stateName}. */
  public boolean hasState(String stateName) {
    return stateByName.containsKey(stateName);
  }

  /** Whether {@code stateName} is a stable state of this machine. */
  public boolean isStable(String stateName) {
    StateSpec state = stateByName.get(stateName);
    return state != null && state.stable();
  }

  /** The transition {@code event} takes from {@code from}, if there is one. */
  public Optional<Transition> transition(String from, String event) {
    ImmutableMap<String, Transition> row = table.get(from);
    return row == null ? Optional.empty() : Optional.ofNullable(row.get(event));
  }

  /** The events allowed in {@code stateName}, in declaration order; empty for an unknown state. */
  public Set<String> allowedEvents(String stateName) {
    ImmutableMap<String, Transition> row = table.get(stateName);
    return row == null ? ImmutableSet.of() : row.keySet();
  }

  /** A new instance in the initial state, with no target. */
  public MachineInstance newInstance() {
    return newInstance(initialState, null);
  }

  /**
   * A new instance initialised from persisted values, as a conductor does for every task.
   *
   * @param state the current state; must be a state of this machine
   * @param target the current target state, or {@code null}; when {@code null} and {@code state} is
   *     transient, the state's declared target is used
   * @throws IllegalArgumentException if {@code state} is unknown, or {@code target} is given but is
   *     not a stable state of this machine
   */
  public MachineInstance newInstance(String state, String target) {
    StateSpec spec = stateByName.get(state);
    if (spec == null) {
      throw new IllegalArgumentException(
          "Machine \"" + name + "\" has no state \"" + state + "\"; states: " + stateNames());
    }
    if (target != null && !isStable(target)) {
      throw new IllegalArgumentException(
          "Machine \"" + name + "\": target \"" + target + "\" is not a stable state");
    }
    String effectiveTarget = target != null ? target : spec.target();
    return new MachineInstance(this, state, effectiveTarget);
  }

  /** The transition table as {@code state -> event -> transition}; package use only. */
  ImmutableMap<String, Transition> row(String stateName) {
    return table.get(stateName);
  }

  /** The engine compiled from this definition, built on first use. */
  SquirrelEngine engine() {
    SquirrelEngine local = engine;
    if (local == null) {
      synchronized (this) {
        local = engine;
        if (local == null) {
          local = new SquirrelEngine(name, initialState, transitions);
          engine = local;
        }
      }
    }
    return local;
  }

  private List<String> stateNames() {
    return stateByName.keySet().asList();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof MachineDefinition that
        && name.equals(that.name)
        && initialState.equals(that.initialState)
        && ImmutableSet.copyOf(states).equals(ImmutableSet.copyOf(that.states))
        && ImmutableSet.copyOf(transitions).equals(ImmutableSet.copyOf(that.transitions));
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        name, initialState, ImmutableSet.copyOf(states), ImmutableSet.copyOf(transitions));
  }

  @Override
  public String toString() {
    return "MachineDefinition["
        + name
        + ": "
        + states.size()
        + " states, "
        + transitions.size()
        + " transitions, initial \""
        + initialState
        + "\"]";
  }

  /**
   * Collects states and transitions, then validates them all at once in {@link #build()}. States
   * may be declared in any order, before or after the transitions that use them.
   *
   * <p>Not thread-safe: one thread at a time.
   */
  public static final class Builder {
    private final String name;
    private final List<StateSpec> states = new ArrayList<>();
    private final List<Transition> transitions = new ArrayList<>();
    private String initialState;

    private Builder(String name) {
      this.name = requireName(name, "machine name");
    }

    /** Declares a stable state: nothing is in progress there. */
    public Builder stableState(String stateName) {
      states.add(new StateSpec(requireName(stateName, "state name"), true, null));
      return this;
    }

    /** Declares a transient state that aims at the stable state {@code target}. */
    public Builder transientState(String stateName, String target) {
      states.add(new StateSpec(requireName(stateName, "state name"), false, target));
      return this;
    }

    /** Declares a state from a {@link StateSpec}. */
    public Builder state(StateSpec state) {
      states.add(Objects.requireNonNull(state, "state"));
      return this;
    }

    /** Sets the state new instances start in. */
    public Builder initialState(String stateName) {
      this.initialState = requireName(stateName, "initial state");
      return this;
    }

    /** Adds {@code from --event--> to} with no action. */
    public Builder transition(String from, String event, String to) {
      return transition(from, event, to, null);
    }

    /** Adds {@code from --event--> to} carrying {@code action} (may be {@code null}). */
    public Builder transition(String from, String event, String to, TransitionAction action) {
      transitions.add(
          new Transition(
              requireName(from, "transition source"),
              requireName(event, "event name"),
              requireName(to, "transition destination"),
              action));
      return this;
    }

    /** Adds a transition. */
    public Builder transition(Transition transition) {
      return transition(
          transition.from(), transition.event(), transition.to(), transition.action());
    }

    /**
     * Validates and builds the definition.
     *
     * @throws MachineDefinitionException naming the first problem found: a state declared twice, a
     *     missing or unknown initial state, a transient state whose target is missing, unknown or
     *     not stable, a transition naming an unknown state, two transitions for one {@code (from,
     *     event)}, states unreachable from the initial state, or states from which no stable state
     *     is reachable
     */
    public MachineDefinition build() {
      Map<String, StateSpec> byName = new LinkedHashMap<>();
      for (StateSpec state : states) {
        if (byName.putIfAbsent(state.name(), state) != null) {
          throw fail("state \"" + state.name() + "\" is declared twice");
        }
      }
      if (byName.isEmpty()) {
        throw fail("no state is declared");
      }
      if (initialState == null) {
        throw fail("no initial state is set");
      }
      if (!byName.containsKey(initialState)) {
        throw fail("initial state \"" + initialState + "\" is not a declared state");
      }
      for (StateSpec state : states) {
        if (state.stable()) {
          continue;
        }
        if (state.target() == null) {
          throw fail("transient state \"" + state.name() + "\" has no target state");
        }
        StateSpec target = byName.get(state.target());
        if (target == null) {
          throw fail(
              "target \""
                  + state.target()
                  + "\" of transient state \""
                  + state.name()
                  + "\" is not a declared state");
        }
        if (!target.stable()) {
          throw fail(
              "target \""
                  + state.target()
                  + "\" of transient state \""
                  + state.name()
                  + "\" is not a stable state");
        }
      }
      Map<String, Map<String, Transition>> table = new HashMap<>();
      for (Transition transition : transitions) {
        for (String end : List.of(transition.from(), transition.to())) {
          if (!byName.containsKey(end)) {
            throw fail("transition " + transition + " names unknown state \"" + end + "\"");
          }
        }
        Transition clash =
            table
                .computeIfAbsent(transition.from(), k -> new HashMap<>())
                .putIfAbsent(transition.event(), transition);
        if (clash != null) {
          throw fail(
              "two transitions from \""
                  + transition.from()
                  + "\" on event \""
                  + transition.event()
                  + "\": to \""
                  + clash.to()
                  + "\" and to \""
                  + transition.to()
                  + "\"");
        }
      }
      Set<String> reachable = closure(Set.of(initialState), table, false);
      List<String> unreachable = namesNotIn(byName, reachable);
      if (!unreachable.isEmpty()) {
        throw fail(
            "states unreachable from initial state \"" + initialState + "\": " + unreachable);
      }
      Set<String> stable = new HashSet<>();
      states.stream().filter(StateSpec::stable).forEach(s -> stable.add(s.name()));
      Set<String> reachStable = closure(stable, table, true);
      List<String> stuck = namesNotIn(byName, reachStable);
      if (!stuck.isEmpty()) {
        throw fail("no stable state is reachable from states " + stuck);
      }
      return new MachineDefinition(name, initialState, states, transitions);
    }

    /** States reachable from {@code start} (forward), or that can reach {@code start} (reverse). */
    private static Set<String> closure(
        Set<String> start, Map<String, Map<String, Transition>> table, boolean reverse) {
      Map<String, List<String>> edges = new HashMap<>();
      for (Map<String, Transition> row : table.values()) {
        for (Transition t : row.values()) {
          String a = reverse ? t.to() : t.from();
          String b = reverse ? t.from() : t.to();
          edges.computeIfAbsent(a, k -> new ArrayList<>()).add(b);
        }
      }
      Set<String> seen = new HashSet<>(start);
      Deque<String> todo = new ArrayDeque<>(start);
      while (!todo.isEmpty()) {
        for (String next : edges.getOrDefault(todo.pop(), List.of())) {
          if (seen.add(next)) {
            todo.push(next);
          }
        }
      }
      return seen;
    }

    private static List<String> namesNotIn(Map<String, StateSpec> byName, Set<String> names) {
      return byName.keySet().stream().filter(n -> !names.contains(n)).toList();
    }

    private MachineDefinitionException fail(String problem) {
      return new MachineDefinitionException("Machine \"" + name + "\": " + problem);
    }

    private static String requireName(String value, String what) {
      if (value == null || value.isBlank()) {
        throw new MachineDefinitionException(what + " must not be null or blank");
      }
      return value;
    }
  }
}
