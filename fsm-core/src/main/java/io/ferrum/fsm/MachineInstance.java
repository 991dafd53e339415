package io.ferrum.fsm;

import com.google.common.collect.ImmutableMap;
import io.ferrum.fsm.internal.SquirrelEngine;
import java.util.Set;

/**
 * One running copy of a {@link MachineDefinition}: a current state and a target state.
 *
 * <p>Cheap to create from persisted values ({@link MachineDefinition#newInstance(String, String)});
 * a conductor makes one per task. {@link #fire(String)} moves it along a transition and returns
 * what happened, including the {@link TransitionAction action} the caller must run; fsm-core itself
 * runs nothing.
 *
 * <p><b>Target rules</b> (Ironic's): after every event, the target is cleared if the new state is
 * the target, then set to the new state's declared target if it has one; a caller may override the
 * result with a stable state of its choice ({@link #fire(String, String)}), as manual cleaning from
 * {@code manageable} does to aim back at {@code manageable}.
 *
 * <p>Not thread-safe: one thread at a time. An event that is not allowed throws {@link
 * InvalidTransitionException} and leaves the instance unchanged.
 */
public final class MachineInstance {

  private final MachineDefinition definition;
  private String state;
  private String target;
  private SquirrelEngine.EngineMachine engineMachine;

  MachineInstance(MachineDefinition definition, String state, String target) {
    this.definition = definition;
    this.state = state;
    this.target = target;
  }

  /** The definition this instance runs. */
  public MachineDefinition definition() {
    return definition;
  }

  /** The current state. */
  public String state() {
    return state;
  }

  /** The current target state, or {@code null} when nothing is aimed at. */
  public String target() {
    return target;
  }

  /** Whether the current state is stable. */
  public boolean isStable() {
    return definition.isStable(state);
  }

  /** Whether {@code event} is allowed in the current state. */
  public boolean canFire(String event) {
    ImmutableMap<String, Transition> row = definition.row(state);
    return row.containsKey(event);
  }

  /** The events allowed in the current state, in declaration order. */
  public Set<String> allowedEvents() {
    return definition.row(state).keySet();
  }

  /**
   * Fires {@code event}: moves to the transition's destination and updates the target.
   *
   * @return the transition taken, with the action the caller must run (if any)
   * @throws InvalidTransitionException if the event is not allowed here; nothing changes
   */
  public FiredTransition fire(String event) {
    return fire(event, null);
  }

  /**
   * Fires {@code event} and then aims at {@code targetOverride} instead of the default target.
   *
   * @param targetOverride a stable state to aim at, or {@code null} for the default rule
   * @throws InvalidTransitionException if the event is not allowed here, or the override is not a
   *     stable state; nothing changes
   */
  public FiredTransition fire(String event, String targetOverride) {
    FiredTransition result = dryRun(event, targetOverride);
    if (engineMachine == null) {
      engineMachine = definition.engine().start(state);
    }
    definition.engine().fire(engineMachine, result.from(), event, result.to());
    state = result.to();
    target = result.targetAfter();
    return result;
  }

  /** What {@link #fire(String)} would do, without doing it. */
  public FiredTransition dryRun(String event) {
    return dryRun(event, null);
  }

  /** What {@link #fire(String, String)} would do, without doing it. */
  public FiredTransition dryRun(String event, String targetOverride) {
    Transition transition = definition.row(state).get(event);
    if (transition == null) {
      throw new InvalidTransitionException(definition.name(), state, event, allowedEvents());
    }
    if (targetOverride != null && !definition.isStable(targetOverride)) {
      throw new InvalidTransitionException(
          definition.name(),
          state,
          event,
          "Target \""
              + targetOverride
              + "\" is not a stable state of machine \""
              + definition.name()
              + "\"");
    }
    String to = transition.to();
    String next = to.equals(target) ? null : target;
    StateSpec destination = definition.state(to).orElseThrow();
    if (destination.target() != null) {
      next = destination.target();
    }
    if (targetOverride != null) {
      next = targetOverride.equals(to) ? null : targetOverride;
    }
    return new FiredTransition(state, event, to, target, next, transition.action());
  }

  @Override
  public String toString() {
    return definition.name() + "[" + state + (target == null ? "" : " -> " + target) + "]";
  }
}
