package io.ferrum.conductor;

/**
 * The node is reserved by another task, and stayed so through every retry; the message names the
 * holder.
 */
public class NodeLockedException extends FerrumException {
  private static final long serialVersionUID = 1L;

  public NodeLockedException(String message) {
    super(message);
  }

  public NodeLockedException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public ErrorKind kind() {
    return ErrorKind.CONFLICT;
  }
}
