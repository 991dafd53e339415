package io.ferrum.conductor;

/**
 * No worker is free (or the conductor is stopping): the request was refused and the node left
 * exactly as it was. Retry later.
 */
public class NoFreeWorkerException extends FerrumException {
  private static final long serialVersionUID = 1L;

  public NoFreeWorkerException(String message) {
    super(message);
  }

  public NoFreeWorkerException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public ErrorKind kind() {
    return ErrorKind.TEMPORARY;
  }
}
