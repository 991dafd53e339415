package io.ferrum.fsm;

/**
 * A machine definition is invalid: thrown by {@link MachineDefinition.Builder} (at once for a blank
 * name, in {@link MachineDefinition.Builder#build()} for the rest), by {@link StateSpec}, {@link
 * Transition} and {@link TransitionAction#named(String)} for a value no machine could hold, and by
 * the JSON reader. The message names the machine when there is one, and the culprit (state, event
 * or transition).
 */
public final class MachineDefinitionException extends FsmException {
  private static final long serialVersionUID = 1L;

  public MachineDefinitionException(String message) {
    super(message);
  }

  public MachineDefinitionException(String message, Throwable cause) {
    super(message, cause);
  }
}
