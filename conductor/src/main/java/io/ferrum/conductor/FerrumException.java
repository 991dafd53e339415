package io.ferrum.conductor;

/**
 * The root of the conductor's exceptions. Unchecked; the cause is always kept. Subclasses are named
 * for what failed and sit in one {@link ErrorKind} each.
 */
public abstract class FerrumException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  protected FerrumException(String message) {
    super(message);
  }

  protected FerrumException(String message, Throwable cause) {
    super(message, cause);
  }

  /** What this error means to the caller. */
  public abstract ErrorKind kind();
}
