package io.ferrum.conductor;

/** No node has the given UUID or name. */
public class NodeNotFoundException extends FerrumException {
  private static final long serialVersionUID = 1L;

  public NodeNotFoundException(String message) {
    super(message);
  }

  public NodeNotFoundException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public ErrorKind kind() {
    return ErrorKind.NOT_FOUND;
  }
}
