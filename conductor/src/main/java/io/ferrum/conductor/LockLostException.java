package io.ferrum.conductor;

/**
 * A task found its node no longer reserved by it: its reservation was recovered or taken over (its
 * conductor stalled or was declared dead, or stopped), or the node was deleted. The task changes
 * nothing more.
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
    return ErrorKind.CONFLICT;
  }
}
