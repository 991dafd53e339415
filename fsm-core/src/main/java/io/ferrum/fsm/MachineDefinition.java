package io.ferrum.fsm;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSet;
import io.ferrum.fsm.internal.SquirrelEngine;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
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
 * TransitionAction action} label, a {@link Guard guard} and {@link Action actions} to run; states
 * may have entry and exit actions. Instances may carry a context (extended state) of the type given
 * to {@link #builder(String, Class)}, which guards and actions receive.
 *
 * <p>Built with {@link #builder(String)} or {@link #builder(String, Class)}; {@link
 * Builder#build()} refuses a definition with a duplicate unguarded {@code (from, event)}, a
 * transition that can never be chosen, an unknown state, a transient state without a stable target,
 * a state unreachable from the initial one, or a state from which no stable state can be reached.
 * Several transitions may share a {@code (from, event)} when all but the last are guarded: the
 * first whose guard allows it is taken. For typed states and events, see {@link EnumMachine}.
 *
 * <p>Immutable and thread-safe: one definition serves any number of {@link MachineInstance
 * instances} on any number of threads (its guards and actions must then be thread-safe too). Two
 * definitions are equal when they have the same name, initial state, states and transitions
 * (actions compared by id, guards by name), whatever their declaration order; the code of guards
 * and actions is not compared.
 */
public final class MachineDefinition {

  private final String name;
  private final String initialState;
  private final Class<?> contextType;
  private final ImmutableList<StateSpec> states;
  private final ImmutableList<Transition> transitions;
  private final ImmutableMap<String, StateNode> nodes;
  private final ImmutableSet<String> events;
  private volatile SquirrelEngine engine;

  private MachineDefinition(Builder<?> builder) {
    this.name = builder.name;
    this.initialState = builder.initialState;
    this.contextType = builder.contextType;
    this.states = ImmutableList.copyOf(builder.states);
    this.transitions = ImmutableList.copyOf(builder.transitions);
    Map<String, StateNode> byName = new LinkedHashMap<>();
    for (StateSpec state : states) {
      byName.put(
          state.name(),
          new StateNode(
              state,
              builder.onEntry.getOrDefault(state.name(), List.of()),
              builder.onExit.getOrDefault(state.name(), List.of())));
    }
    Map<String, Map<String, List<Edge>>> rows = new HashMap<>();
    ImmutableSet.Builder<String> allEvents = ImmutableSet.builder();
    for (int i = 0; i < transitions.size(); i++) {
      Transition transition = transitions.get(i);
      Edge edge =
          new Edge(
              transition,
              byName.get(transition.from()),
              byName.get(transition.to()),
              builder.guards.get(i),
              builder.actions.get(i));
      rows.computeIfAbsent(transition.from(), k -> new LinkedHashMap<>())
          .computeIfAbsent(transition.event(), k -> new ArrayList<>())
          .add(edge);
      allEvents.add(transition.event());
    }
    for (StateNode node : byName.values()) {
      ImmutableMap.Builder<String, Edge[]> row = ImmutableMap.builder();
      rows.getOrDefault(node.name, Map.of())
          .forEach((event, edges) -> row.put(event, edges.toArray(new Edge[0])));
      node.row = row.build();
    }
    this.nodes = ImmutableMap.copyOf(byName);
    this.events = allEvents.build();
  }

  /**
   * Starts a definition of a machine called {@code name} (used in messages and exports) whose
   * instances take any context, or none.
   */
  public static Builder<Object> builder(String name) {
    return new Builder<>(name, Object.class);
  }

  /**
   * Starts a definition of a machine called {@code name} whose instances carry a context of type
   * {@code contextType} (or none), which its guards and actions receive.
   */
  public static <C> Builder<C> builder(String name, Class<C> contextType) {
    return new Builder<>(name, Objects.requireNonNull(contextType, "contextType"));
  }

  /** The machine's name. */
  public String name() {
    return name;
  }

  /** The state a new instance starts in. */
  public String initialState() {
    return initialState;
  }

  /** The type of context instances may carry ({@code Object} when any will do). */
  public Class<?> contextType() {
    return contextType;
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
    StateNode node = nodes.get(stateName);
    return node == null ? Optional.empty() : Optional.of(node.spec);
  }

  /** Whether the machine has a state called {@code stateName}. */
  public boolean hasState(String stateName) {
    return nodes.containsKey(stateName);
  }

  /** Whether {@code stateName} is a stable state of this machine. */
  public boolean isStable(String stateName) {
    StateNode node = nodes.get(stateName);
    return node != null && node.stable;
  }

  /**
   * The transition {@code event} takes from {@code from}, if there is one; when guarded
   * alternatives share that {@code (from, event)}, the first declared ({@link #transitions(String,
   * String)} lists them all).
   */
  public Optional<Transition> transition(String from, String event) {
    Edge[] edges = edges(from, event);
    return edges == null ? Optional.empty() : Optional.of(edges[0].transition);
  }

  /**
   * Every transition {@code event} may take from {@code from}, in the order their guards are tried;
   * empty when the event is not allowed there.
   */
  public List<Transition> transitions(String from, String event) {
    Edge[] edges = edges(from, event);
    return edges == null ? List.of() : Arrays.stream(edges).map(edge -> edge.transition).toList();
  }

  /**
   * The events some transition leaves {@code stateName} on, in declaration order (whether their
   * guards allow them now is not considered); empty for an unknown state.
   */
  public Set<String> allowedEvents(String stateName) {
    StateNode node = nodes.get(stateName);
    return node == null ? ImmutableSet.of() : node.row.keySet();
  }

  /** A new instance in the initial state, with no target and no context. */
  public MachineInstance newInstance() {
    return newInstance(initialState, null, null);
  }

  /**
   * A new instance initialised from persisted values, as a conductor does for every task, with no
   * context. Nothing runs: entry actions run only when {@code fire} enters a state.
   *
   * @param state the current state; must be a state of this machine
   * @param target the current target state, or {@code null}; when {@code null} and {@code state} is
   *     transient, the state's declared target is used
   * @throws IllegalArgumentException if {@code state} is unknown, or {@code target} is given but is
   *     not a stable state of this machine, is {@code state} itself, or {@code state} is stable (a
   *     stable state has no target)
   */
  public MachineInstance newInstance(String state, String target) {
    return newInstance(state, target, null);
  }

  /**
   * A new instance initialised from persisted values, carrying {@code context} for its guards and
   * actions.
   *
   * @param context the instance's extended state, or {@code null}; the instance keeps this very
   *     object (it is not copied)
   * @throws IllegalArgumentException as {@link #newInstance(String, String)} does, or if {@code
   *     context} is not of this machine's {@link #contextType() context type}
   */
  public MachineInstance newInstance(String state, String target, Object context) {
    StateNode node = nodes.get(state);
    if (node == null) {
      throw new IllegalArgumentException(
          "Machine \"" + name + "\" has no state \"" + state + "\"; states: " + stateNames());
    }
    if (target != null) {
      if (!isStable(target)) {
        throw new IllegalArgumentException(
            "Machine \"" + name + "\": target \"" + target + "\" is not a stable state");
      }
      if (target.equals(state)) {
        throw new IllegalArgumentException(
            "Machine \"" + name + "\": target \"" + target + "\" is the state itself");
      }
      if (node.stable) {
        throw new IllegalArgumentException(
            "Machine \""
                + name
                + "\": stable state \""
                + state
                + "\" cannot have a target (\""
                + target
                + "\")");
      }
    }
    if (context != null && !contextType.isInstance(context)) {
      throw new IllegalArgumentException(
          "Machine \""
              + name
              + "\" takes a context of type "
              + contextType.getName()
              + ", not "
              + context.getClass().getName());
    }
    return new MachineInstance(this, node, target != null ? target : node.spec.target(), context);
  }

  /** The node of {@code stateName}, or {@code null}; package use only. */
  StateNode node(String stateName) {
    return nodes.get(stateName);
  }

  private Edge[] edges(String from, String event) {
    StateNode node = nodes.get(from);
    return node == null ? null : node.row.get(event);
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
    return nodes.keySet().asList();
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
   * Collects states, transitions and the code attached to them, then validates them all at once in
   * {@link #build()}. States may be declared in any order, before or after the transitions that use
   * them. {@link #when} and {@link #then} apply to the transition declared just before them:
   *
   * <pre>{@code
   * builder.transition("closed", "open", "opening").when("unlocked", door -> !door.locked())
   *     .then(Door::startMotor)
   * }</pre>
   *
   * <p>Not thread-safe: one thread at a time.
   *
   * @param <C> the type of context the guards and actions receive
   */
  public static final class Builder<C> {
    private final String name;
    private final Class<C> contextType;
    private final List<StateSpec> states = new ArrayList<>();
    private final List<Transition> transitions = new ArrayList<>();
    // Parallel to transitions: each one's guard code (or null) and actions.
    private final List<Guard<Object>> guards = new ArrayList<>();
    private final List<List<Action<Object>>> actions = new ArrayList<>();
    private final Map<String, List<Action<Object>>> onEntry = new HashMap<>();
    private final Map<String, List<Action<Object>>> onExit = new HashMap<>();
    private String initialState;

    private Builder(String name, Class<C> contextType) {
      if (name == null || name.isBlank()) {
        throw new MachineDefinitionException("machine name must not be null or blank");
      }
      this.name = name;
      this.contextType = contextType;
    }

    /** Declares a stable state: nothing is in progress there. */
    public Builder<C> stableState(String stateName) {
      states.add(new StateSpec(requireName(stateName, "state name"), true, null));
      return this;
    }

    /** Declares a transient state that aims at the stable state {@code target}. */
    public Builder<C> transientState(String stateName, String target) {
      states.add(new StateSpec(requireName(stateName, "state name"), false, target));
      return this;
    }

    /** Declares a state from a {@link StateSpec}. */
    public Builder<C> state(StateSpec state) {
      states.add(Objects.requireNonNull(state, "state"));
      return this;
    }

    /** Sets the state new instances start in. */
    public Builder<C> initialState(String stateName) {
      this.initialState = requireName(stateName, "initial state");
      return this;
    }

    /** Adds {@code from --event--> to} with no action. */
    public Builder<C> transition(String from, String event, String to) {
      return transition(from, event, to, null);
    }

    /** Adds {@code from --event--> to} carrying {@code action} (may be {@code null}). */
    public Builder<C> transition(String from, String event, String to, TransitionAction action) {
      transitions.add(
          new Transition(
              requireName(from, "transition source"),
              requireName(event, "event name"),
              requireName(to, "transition destination"),
              action));
      guards.add(null);
      actions.add(new ArrayList<>());
      return this;
    }

    /**
     * Adds a transition. Its guard, if it names one, must be attached with {@link #when} instead.
     */
    public Builder<C> transition(Transition transition) {
      if (transition.guard() != null) {
        throw fail(
            "transition "
                + transition
                + " names guard \""
                + transition.guard()
                + "\" without its code; add the guard with when(name, guard)");
      }
      return transition(
          transition.from(), transition.event(), transition.to(), transition.action());
    }

    /**
     * Guards the transition declared just before: it is taken only when {@code guard} allows it.
     * Transitions sharing a {@code (from, event)} are tried in declaration order.
     *
     * @param guardName the guard's name, shown in exports and messages
     * @throws MachineDefinitionException if no transition was declared yet, the last one already
     *     has a guard, or the name is blank
     */
    @SuppressWarnings("unchecked")
    public Builder<C> when(String guardName, Guard<? super C> guard) {
      int last = lastTransition("when");
      Transition transition = transitions.get(last);
      if (transition.guard() != null) {
        throw fail(
            "transition " + transition + " already has guard \"" + transition.guard() + "\"");
      }
      transitions.set(last, transition.withGuard(requireName(guardName, "guard name")));
      guards.set(last, (Guard<Object>) Objects.requireNonNull(guard, "guard"));
      return this;
    }

    /**
     * Adds an action to the transition declared just before; it runs each time the transition is
     * taken, after the exit actions of its source and before the entry actions of its destination.
     *
     * @throws MachineDefinitionException if no transition was declared yet
     */
    @SuppressWarnings("unchecked")
    public Builder<C> then(Action<? super C> action) {
      actions
          .get(lastTransition("then"))
          .add((Action<Object>) Objects.requireNonNull(action, "action"));
      return this;
    }

    /**
     * Adds an action that runs each time a transition enters {@code stateName} (a transition from
     * the state to itself leaves and enters it again). Creating an instance runs none.
     */
    @SuppressWarnings("unchecked")
    public Builder<C> onEntry(String stateName, Action<? super C> action) {
      onEntry
          .computeIfAbsent(requireName(stateName, "state name"), k -> new ArrayList<>())
          .add((Action<Object>) Objects.requireNonNull(action, "action"));
      return this;
    }

    /** Adds an action that runs each time a transition leaves {@code stateName}. */
    @SuppressWarnings("unchecked")
    public Builder<C> onExit(String stateName, Action<? super C> action) {
      onExit
          .computeIfAbsent(requireName(stateName, "state name"), k -> new ArrayList<>())
          .add((Action<Object>) Objects.requireNonNull(action, "action"));
      return this;
    }

    /**
     * Validates and builds the definition.
     *
     * @throws MachineDefinitionException naming the first problem found: a state declared twice, a
     *     missing or unknown initial state, a transient state whose target is missing, unknown or
     *     not stable, a transition naming an unknown state, two unguarded transitions for one
     *     {@code (from, event)} or a transition declared after an unguarded one for the same {@code
     *     (from, event)} (it could never be taken), an entry or exit action for an unknown state,
     *     states unreachable from the initial state, or states from which no stable state is
     *     reachable
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
        checkTarget(state, byName);
      }
      Map<String, Map<String, Transition>> unguarded = new HashMap<>();
      for (Transition transition : transitions) {
        for (String end : List.of(transition.from(), transition.to())) {
          if (!byName.containsKey(end)) {
            throw fail("transition " + transition + " names unknown state \"" + end + "\"");
          }
        }
        Transition blocker =
            unguarded.getOrDefault(transition.from(), Map.of()).get(transition.event());
        if (blocker != null && transition.guard() == null) {
          throw fail(
              "two transitions from \""
                  + transition.from()
                  + "\" on event \""
                  + transition.event()
                  + "\": to \""
                  + blocker.to()
                  + "\" and to \""
                  + transition.to()
                  + "\"");
        }
        if (blocker != null) {
          throw fail(
              "transition "
                  + transition
                  + " can never be taken: "
                  + blocker
                  + ", declared before it, has no guard");
        }
        if (transition.guard() == null) {
          unguarded
              .computeIfAbsent(transition.from(), k -> new HashMap<>())
              .put(transition.event(), transition);
        }
      }
      for (Map<String, List<Action<Object>>> hooks : List.of(onEntry, onExit)) {
        for (String state : hooks.keySet()) {
          if (!byName.containsKey(state)) {
            throw fail(
                (hooks == onEntry ? "entry" : "exit")
                    + " action for unknown state \""
                    + state
                    + "\"");
          }
        }
      }
      Set<String> reachable = closure(Set.of(initialState), false);
      List<String> unreachable = namesNotIn(byName, reachable);
      if (!unreachable.isEmpty()) {
        throw fail(
            "states unreachable from initial state \"" + initialState + "\": " + unreachable);
      }
      Set<String> stable = new HashSet<>();
      states.stream().filter(StateSpec::stable).forEach(s -> stable.add(s.name()));
      Set<String> reachStable = closure(stable, true);
      List<String> stuck = namesNotIn(byName, reachStable);
      if (!stuck.isEmpty()) {
        throw fail("no stable state is reachable from states " + stuck);
      }
      return new MachineDefinition(this);
    }

    private void checkTarget(StateSpec state, Map<String, StateSpec> byName) {
      if (state.stable()) {
        return;
      }
      if (state.target() == null) {
        throw fail("transient state \"" + state.name() + "\" has no target state");
      }
      StateSpec target = byName.get(state.target());
      if (target == null || !target.stable()) {
        throw fail(
            "target \""
                + state.target()
                + "\" of transient state \""
                + state.name()
                + (target == null ? "\" is not a declared state" : "\" is not a stable state"));
      }
    }

    /**
     * States reachable from {@code start} (forward), or that can reach {@code start} (reverse).
     * Guards are not considered: a guarded transition counts as an edge.
     */
    private Set<String> closure(Set<String> start, boolean reverse) {
      Map<String, List<String>> edges = new HashMap<>();
      for (Transition t : transitions) {
        String a = reverse ? t.to() : t.from();
        String b = reverse ? t.from() : t.to();
        edges.computeIfAbsent(a, k -> new ArrayList<>()).add(b);
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

    private int lastTransition(String method) {
      if (transitions.isEmpty()) {
        throw fail(method + "() applies to the transition declared before it, and there is none");
      }
      return transitions.size() - 1;
    }

    private MachineDefinitionException fail(String problem) {
      return new MachineDefinitionException("Machine \"" + name + "\": " + problem);
    }

    private String requireName(String value, String what) {
      if (value == null || value.isBlank()) {
        throw fail(what + " must not be null or blank");
      }
      return value;
    }
  }
}
