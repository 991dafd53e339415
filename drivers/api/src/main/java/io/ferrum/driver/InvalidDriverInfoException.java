package io.ferrum.driver;

/** The node's driver_info is missing a value or holds a wrong one; the message names it. */
public class InvalidDriverInfoException extends DriverException {
  private static final long serialVersionUID = 1L;

  public InvalidDriverInfoException(String message) {
    super(message);
  }

  public InvalidDriverInfoException(String message, Throwable cause) {
    super(message, cause);
  }
}
