package io.ferrum.fsm;

import java.util.Objects;
import java.util.Optional;

/**
 * One edge of a machine: in state {@code from}, event {@code event} leads to state {@code to},
 * optionally carrying an {@link TransitionAction action}.
 *
 * <p>Immutable and thread-safe. Equality compares actions by id.
 *
 * @param from the source state
 * @param event the event that triggers the transition
 * @param to the destination state
 * @param action the work this transition stands for, or {@code null}
 */
public record Transition(String from, String event, String to, TransitionAction action) {

  public Transition {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(to, "to");
  }

  /** The action, if the transition carries one. */
  public Optional<TransitionAction> optionalAction() {
    return Optional.ofNullable(action);
  }

  /** The action's id, or {@code null}. */
  public String actionId() {
    return action == null ? null : action.id();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Transition that
        && from.equals(that.from)
        && event.equals(that.event)
        && to.equals(that.to)
        && Objects.equals(actionId(), that.actionId());
  }

  @Override
  public int hashCode() {
    return Objects.hash(from, event, to, actionId());
  }

  @Override
  public String toString() {
    return from + " --" + event + "--> " + to + (action == null ? "" : " [" + action.id() + "]");
  }
}
