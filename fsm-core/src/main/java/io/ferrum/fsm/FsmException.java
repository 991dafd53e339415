package io.ferrum.fsm;

/**
 * The root of every exception fsm-core throws. Unchecked; the cause, when there is one, is always
 * kept.
 *
 * <p>Two branches: {@link MachineDefinitionException} for a machine that is wrongly defined (a
 * programming error, found when the definition is built or parsed), and {@link
 * InvalidTransitionException} for an event a running instance refuses (an ordinary runtime
 * outcome).
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
