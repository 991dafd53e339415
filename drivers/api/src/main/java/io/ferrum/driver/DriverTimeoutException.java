package io.ferrum.driver;

/** The hardware did not answer, or did not reach the requested state, in time. */
public class DriverTimeoutException extends DriverException {
  private static final long serialVersionUID = 1L;

  public DriverTimeoutException(String message) {
    super(message);
  }

  public DriverTimeoutException(String message, Throwable cause) {
    super(message, cause);
  }
}
