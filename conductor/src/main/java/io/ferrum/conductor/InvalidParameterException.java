package io.ferrum.conductor;

/** A request carries a missing, malformed or unknown value; the message names it. */
public class InvalidParameterException extends FerrumException {
  private static final long serialVersionUID = 1L;

  public InvalidParameterException(String message) {
    super(message);
  }

  public InvalidParameterException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public ErrorKind kind() {
    return ErrorKind.INVALID;
  }
}
