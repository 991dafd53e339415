package io.ferrum.fsm;

import com.google.common.collect.ImmutableList;
import io.ferrum.fsm.internal.SquirrelEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One running copy of a {@link MachineDefinition}: a current state, a target state, and the context
 * (extended state) its guards and actions receive.
 *
 * <p>Cheap to create from persisted values ({@link MachineDefinition#newInstance(String, String)});
 * a conductor makes one per task. {@link #fire(String)} moves it along a transition and returns
 * what happened, including the {@link TransitionAction action label} the caller must run.
 *
 * <p><b>Firing</b>, on the caller's thread, in this order:
 *
 * <ol>
 *   <li>the transitions for the event in the current state are tried in declaration order, and the
 *       first whose {@link Guard guard} allows it (or that has none) is chosen; none: {@link
 *       InvalidTransitionException};
 *   <li>the {@link Action actions} run: exit actions of the state left, the transition's actions,
 *       entry actions of the state entered (a transition from a state to itself leaves and enters
 *       it);
 *   <li>the instance moves: state and target change;
 *   <li>the {@link TransitionListener listeners} are told.
 * </ol>
 *
 * <p><b>Failure</b>: a refused event, a guard or an action that throws leaves the instance exactly
 * as it was (same state, same target) and ready for the next event; the caller gets an {@link
 * InvalidTransitionException}, {@link GuardFailedException} or {@link ActionFailedException}, the
 * last two with the thrown exception as their cause. Actions that ran before a failing one are not
 * undone. A listener that throws does not undo the transition ({@link ListenerFailedException}).
 *
 * <p><b>Target rules</b>: entering a stable state clears the target (nothing is aimed at any more,
 * whether or not the old target was reached); entering a transient state sets it to that state's
 * declared target, or to the stable state the caller names with {@link #fire(String, String)}, as
 * manual cleaning from {@code manageable} does to aim back at {@code manageable}. So a stable state
 * never has a target and a transient one always has.
 *
 * <p>Not thread-safe: one thread at a time. Not re-entrant: a guard, action or listener that fires
 * an event on its own instance gets an {@link IllegalStateException}; fire the next event after
 * {@code fire} returns.
 */
public final class MachineInstance {

  private final MachineDefinition definition;
  private final Object context;
  private StateNode state;
  private String target;
  private List<TransitionListener<? super FiredTransition>> listeners = ImmutableList.of();
  private String firing;
  private SquirrelEngine.EngineMachine engineMachine;

  MachineInstance(MachineDefinition definition, StateNode state, String target, Object context) {
    this.definition = definition;
    this.state = state;
    this.target = target;
    this.context = context;
  }

  /** The definition this instance runs. */
  public MachineDefinition definition() {
    return definition;
  }

  /** The current state. */
  public String state() {
    return state.name;
  }

  /** The current target state, or {@code null} when nothing is aimed at. */
  public String target() {
    return target;
  }

  /** The context given when the instance was created (the same object), or {@code null}. */
  public Object context() {
    return context;
  }

  /** Whether the current state is stable. */
  public boolean isStable() {
    return state.stable;
  }

  /**
   * Whether {@link #fire(String)} would find a transition for {@code event} now: one leaves the
   * current state on it and its guard, if any, allows it. Evaluates guards, runs no action.
   *
   * @throws GuardFailedException if a guard throws
   */
  public boolean canFire(String event) {
    Edge[] edges = state.row.get(event);
    if (edges == null) {
      return false;
    }
    for (Edge edge : edges) {
      if (allows(edge)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The events some transition leaves the current state on, in declaration order, whether or not
   * their guards allow them now.
   */
  public Set<String> allowedEvents() {
    return state.row.keySet();
  }

  /**
   * Fires {@code event}: runs the actions, moves to the chosen transition's destination, updates
   * the target and tells the listeners.
   *
   * @return the transition taken, with the action label the caller must run (if any)
   * @throws InvalidTransitionException if the event is not allowed here or every guard refuses it;
   *     nothing changes
   * @throws GuardFailedException if a guard throws; nothing changes
   * @throws ActionFailedException if an action throws; the instance stays where it was
   * @throws ListenerFailedException if a listener throws; the transition stands
   * @throws IllegalStateException if called from a guard, action or listener of this instance
   */
  public FiredTransition fire(String event) {
    return fire(event, null);
  }

  /**
   * Fires {@code event} and, if it enters a transient state, aims at {@code targetOverride} instead
   * of that state's declared target. A stable destination has no target, so the override is then
   * unused.
   *
   * @param targetOverride a stable state to aim at, or {@code null} for the default rule
   * @throws InvalidTransitionException if the event is not allowed here, every guard refuses it, or
   *     the override is not a stable state; nothing changes
   * @throws GuardFailedException if a guard throws; nothing changes
   * @throws ActionFailedException if an action throws; the instance stays where it was
   * @throws ListenerFailedException if a listener throws; the transition stands
   * @throws IllegalStateException if called from a guard, action or listener of this instance
   */
  public FiredTransition fire(String event, String targetOverride) {
    if (firing != null) {
      throw new IllegalStateException(
          "Machine \""
              + definition.name()
              + "\": event \""
              + event
              + "\" fired from a guard, action or listener while the instance fires \""
              + firing
              + "\"; fire it after fire() returns");
    }
    firing = event;
    try {
      Edge edge = choose(event, targetOverride);
      FiredTransition fired = describe(edge, event, targetOverride);
      if (edge.runsActions) {
        runActions(edge, fired);
      }
      SquirrelEngine engine = definition.engine();
      if (engineMachine == null) {
        engineMachine = engine.start(state.name);
      }
      engine.fire(engineMachine, state.name, event, edge.to.name);
      state = edge.to;
      target = fired.targetAfter();
      if (!listeners.isEmpty()) {
        tellListeners(fired);
      }
      return fired;
    } finally {
      firing = null;
    }
  }

  /**
   * What {@link #fire(String)} would do, without doing it: evaluates guards, runs no action.
   *
   * @throws InvalidTransitionException as {@code fire} would
   * @throws GuardFailedException if a guard throws
   */
  public FiredTransition dryRun(String event) {
    return dryRun(event, null);
  }

  /** What {@link #fire(String, String)} would do, without doing it. */
  public FiredTransition dryRun(String event, String targetOverride) {
    return describe(choose(event, targetOverride), event, targetOverride);
  }

  /**
   * Adds a listener, told of every transition this instance takes from now on, after the ones added
   * before it. Adding the same listener twice tells it twice.
   */
  public void addListener(TransitionListener<? super FiredTransition> listener) {
    Objects.requireNonNull(listener, "listener");
    listeners =
        ImmutableList.<TransitionListener<? super FiredTransition>>builder()
            .addAll(listeners)
            .add(listener)
            .build();
  }

  /**
   * Removes a listener (one registration of it, the earliest). A listener may remove itself, or
   * another, while it is told: the transition being reported still reaches every listener.
   *
   * @return whether it was registered
   */
  public boolean removeListener(TransitionListener<? super FiredTransition> listener) {
    List<TransitionListener<? super FiredTransition>> left = new ArrayList<>(listeners);
    boolean removed = left.remove(listener);
    listeners = ImmutableList.copyOf(left);
    return removed;
  }

  private Edge choose(String event, String targetOverride) {
    Edge[] edges = state.row.get(event);
    if (edges == null) {
      throw new InvalidTransitionException(definition.name(), state.name, event, allowedEvents());
    }
    if (targetOverride != null && !definition.isStable(targetOverride)) {
      throw new InvalidTransitionException(
          definition.name(),
          state.name,
          event,
          "Target \""
              + targetOverride
              + "\" is not a stable state of machine \""
              + definition.name()
              + "\"");
    }
    for (Edge edge : edges) {
      if (allows(edge)) {
        return edge;
      }
    }
    List<String> refusedBy = new ArrayList<>();
    for (Edge edge : edges) {
      refusedBy.add("\"" + edge.transition.guard() + "\"");
    }
    throw new InvalidTransitionException(
        definition.name(),
        state.name,
        event,
        "Event \""
            + event
            + "\" is not allowed in state \""
            + state.name
            + "\" of machine \""
            + definition.name()
            + "\": refused by "
            + (refusedBy.size() == 1 ? "guard " : "guards ")
            + String.join(", ", refusedBy));
  }

  private boolean allows(Edge edge) {
    if (edge.guard == null) {
      return true;
    }
    try {
      return edge.guard.allows(context);
    } catch (Exception e) {
      throw new GuardFailedException(
          definition.name(), state.name, edge.transition.event(), edge.transition.guard(), e);
    }
  }

  private FiredTransition describe(Edge edge, String event, String targetOverride) {
    StateNode to = edge.to;
    String next = to.stable ? null : targetOverride != null ? targetOverride : to.spec.target();
    return new FiredTransition(state.name, event, to.name, target, next, edge.transition.action());
  }

  private void runActions(Edge edge, FiredTransition fired) {
    run(edge.from.onExit, fired, "an exit action of \"" + edge.from.name + "\"");
    run(edge.actions, fired, "an action of the transition");
    run(edge.to.onEntry, fired, "an entry action of \"" + edge.to.name + "\"");
  }

  private void run(List<Action<Object>> actions, FiredTransition fired, String which) {
    for (int i = 0; i < actions.size(); i++) {
      try {
        actions.get(i).run(context);
      } catch (Exception e) {
        throw new ActionFailedException(definition.name(), fired, which, e);
      }
    }
  }

  private void tellListeners(FiredTransition fired) {
    RuntimeException failure = null;
    for (TransitionListener<? super FiredTransition> listener : listeners) {
      try {
        listener.onTransition(fired);
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw new ListenerFailedException(definition.name(), fired, failure);
    }
  }

  @Override
  public String toString() {
    return definition.name() + "[" + state.name + (target == null ? "" : " -> " + target) + "]";
  }
}
