package io.ferrum.fsm;

import java.util.Optional;

/**
 * What {@link MachineInstance#fire(String)} did, or what {@link MachineInstance#dryRun(String)}
 * would do: the transition taken and the target state before and after it.
 *
 * <p>Immutable and thread-safe.
 *
 * @param from the state before the event
 * @param event the event
 * @param to the state after the event
 * @param targetBefore the target state before the event, or {@code null}
 * @param targetAfter the target state after the event, or {@code null}
 * @param action the action the transition carries, or {@code null}; the caller runs it
 */
public record FiredTransition(
    String from,
    String event,
    String to,
    String targetBefore,
    String targetAfter,
    TransitionAction action) {

  /** The action, if the transition carries one. */
  public Optional<TransitionAction> optionalAction() {
    return Optional.ofNullable(action);
  }
}
