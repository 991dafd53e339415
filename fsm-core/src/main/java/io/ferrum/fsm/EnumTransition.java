package io.ferrum.fsm;

import java.util.Optional;

/**
 * What {@link EnumInstance#fire(Enum)} did, or what {@link EnumInstance#dryRun(Enum)} would do: the
 * typed twin of {@link FiredTransition}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param <S> the state type
 * @param <E> the event type
 * @param from the state before the event
 * @param event the event
 * @param to the state after the event
 * @param targetBefore the target state before the event, or {@code null}
 * @param targetAfter the target state after the event, or {@code null}
 * @param action the action label the transition carries, or {@code null}; the caller runs it
 */
public record EnumTransition<S extends Enum<S>, E extends Enum<E>>(
    S from, E event, S to, S targetBefore, S targetAfter, TransitionAction action) {

  /** The action label, if the transition carries one. */
  public Optional<TransitionAction> optionalAction() {
    return Optional.ofNullable(action);
  }
}
