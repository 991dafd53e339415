package io.ferrum.conductor;

/**
 * Work that a caller waited for with {@link ActionHandle#join} did not end within the wait (or the
 * wait was interrupted). The work goes on; its node shows where it is.
 */
public class WorkTimeoutException extends FerrumException {
  private static final long serialVersionUID = 1L;

  public WorkTimeoutException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public ErrorKind kind() {
    return ErrorKind.TEMPORARY;
  }
}
