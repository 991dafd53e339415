package io.ferrum.fsm;

import java.util.Objects;
import java.util.Optional;

/**
 * One edge of a machine: in state {@code from}, event {@code event} leads to state {@code to},
 * optionally carrying an {@link TransitionAction action} and the name of a {@link Guard guard}.
 *
 * <p>This is the structure only, as exports show it and definitions compare it: a guard's code is
 * attached with {@link MachineDefinition.Builder#when}, which also names it here.
 *
 * <p>Immutable and thread-safe. Equality compares actions by id and guards by name.
 *
 * @param from the source state
 * @param event the event that triggers the transition
 * @param to the destination state
 * @param action the work this transition stands for, or {@code null}
 * @param guard the name of the transition's guard, or {@code null} when it has none
 */
public record Transition(
    String from, String event, String to, TransitionAction action, String guard) {

  /**
   * Checks that every name is present.
   *
   * @throws MachineDefinitionException for a null or blank state or event name, or a blank guard
   *     name
   */
  public Transition {
    requireName(from, "transition source");
    requireName(event, "event name");
    requireName(to, "transition destination");
    if (guard != null && guard.isBlank()) {
      throw new MachineDefinitionException("guard name must not be blank");
    }
  }

  /** A transition without a guard. */
  public Transition(String from, String event, String to, TransitionAction action) {
    this(from, event, to, action, null);
  }

  /** The action, if the transition carries one. */
  public Optional<TransitionAction> optionalAction() {
    return Optional.ofNullable(action);
  }

  /** The action's id, or {@code null}. */
  public String actionId() {
    return action == null ? null : action.id();
  }

  /** The guard's name, if the transition has one. */
  public Optional<String> optionalGuard() {
    return Optional.ofNullable(guard);
  }

  /** This transition guarded by the guard called {@code guardName}. */
  Transition withGuard(String guardName) {
    return new Transition(from, event, to, action, guardName);
  }

  private static void requireName(String value, String what) {
    if (value == null || value.isBlank()) {
      throw new MachineDefinitionException(what + " must not be null or blank");
    }
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Transition that
        && from.equals(that.from)
        && event.equals(that.event)
        && to.equals(that.to)
        && Objects.equals(actionId(), that.actionId())
        && Objects.equals(guard, that.guard);
  }

  @Override
  public int hashCode() {
    return Objects.hash(from, event, to, actionId(), guard);
  }

  @Override
  public String toString() {
    return from
        + " --"
        + event
        + (guard == null ? "" : " [" + guard + "]")
        + "--> "
        + to
        + (action == null ? "" : " [" + action.id() + "]");
  }
}
