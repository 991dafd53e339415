package io.ferrum.conductor;

/**
 * A hardware call made on the request's behalf failed or passed its deadline (the BMC did not
 * answer, say); the message is the driver's reason. Trying again later may work.
 */
public class DriverFailedException extends FerrumException {
  private static final long serialVersionUID = 1L;

  public DriverFailedException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public ErrorKind kind() {
    return ErrorKind.TEMPORARY;
  }
}
