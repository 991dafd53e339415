package io.ferrum.conductor;

/**
 * Work that a caller waited for with {@link ActionHandle#join} failed; the cause is the work's own
 * failure. It was handled in the worker already (failure state, {@code last_error}, fault record,
 * notification, lock released): this only tells the one who waited.
 */
public class WorkFailedException extends FerrumException {
  private static final long serialVersionUID = 1L;

  public WorkFailedException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public ErrorKind kind() {
    return ErrorKind.INTERNAL;
  }
}
