package io.ferrum.conductor;

/** The node is protected: it can not be undeployed, rebuilt or deleted until that is unset. */
public class NodeProtectedException extends FerrumException {
  private static final long serialVersionUID = 1L;

  public NodeProtectedException(String message) {
    super(message);
  }

  @Override
  public ErrorKind kind() {
    return ErrorKind.FORBIDDEN;
  }
}
