package io.ferrum.conductor;

/**
 * A task found its node no longer reserved by its conductor (taken over after a stall); it stops
 * changing the node.
 */
public class LockLostException extends FerrumException {
  private static final long serialVersionUID = 1L;

  public LockLostException(String message) {
    super(message);
  }

  public LockLostException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public ErrorKind kind() {
    return ErrorKind.INTERNAL;
  }
}
