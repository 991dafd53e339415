package io.ferrum.fsm;

/**
 * The state machine engine underneath fsm-core failed or disagreed with the definition's table. It
 * signals a bug, not a refused event; the instance that threw it is left in the state it had
 * before. The engine's own exception, if any, is the cause.
 */
public final class EngineFailureException extends FsmException {
  private static final long serialVersionUID = 1L;

  public EngineFailureException(String message, Throwable cause) {
    super(message, cause);
  }

  public EngineFailureException(String message) {
    super(message);
  }
}
