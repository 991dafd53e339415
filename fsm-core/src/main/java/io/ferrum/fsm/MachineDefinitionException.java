package io.ferrum.fsm;

/**
 * A machine definition is invalid: thrown by {@link MachineDefinition.Builder#build()} and by the
 * JSON reader. The message names the machine and the culprit (state, event or transition).
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
