package io.ferrum.conductor;

/**
 * The request clashes with the node's situation: a duplicate name, an update or delete the current
 * state forbids.
 */
public class NodeConflictException extends FerrumException {
  private static final long serialVersionUID = 1L;

  public NodeConflictException(String message) {
    super(message);
  }

  public NodeConflictException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public ErrorKind kind() {
    return ErrorKind.CONFLICT;
  }
}
