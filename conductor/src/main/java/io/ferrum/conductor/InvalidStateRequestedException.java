package io.ferrum.conductor;

/** The requested action is not allowed in the node's current state; nothing changed. */
public class InvalidStateRequestedException extends FerrumException {
  private static final long serialVersionUID = 1L;

  public InvalidStateRequestedException(String message) {
    super(message);
  }

  public InvalidStateRequestedException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public ErrorKind kind() {
    return ErrorKind.INVALID;
  }
}
