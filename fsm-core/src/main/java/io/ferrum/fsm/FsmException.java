package io.ferrum.fsm;

/**
 * The root of the exceptions fsm-core throws about machines. Unchecked; the cause, when there is
 * one, is always kept.
 *
 * <p>Three branches, by whose fault it is:
 *
 * <ul>
 *   <li>{@link MachineDefinitionException}: a machine is wrongly defined (a programming error,
 *       found when the definition, one of its states or transitions, is built or read);
 *   <li>{@link InvalidTransitionException}: a running instance refuses an event (an ordinary
 *       runtime outcome);
 *   <li>{@link GuardFailedException}, {@link ActionFailedException} and {@link
 *       ListenerFailedException}: code attached to the machine threw while an instance fired an
 *       event.
 * </ul>
 *
 * <p>Persisted values that do not fit a machine ({@link MachineDefinition#newInstance(String,
 * String)} with an unknown state, say) are bad arguments, not bad machines, and throw {@link
 * IllegalArgumentException}.
 */
public abstract class FsmException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  protected FsmException(String message) {
    super(message);
  }

  protected FsmException(String message, Throwable cause) {
    super(message, cause);
  }
}
