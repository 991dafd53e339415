package io.ferrum.driver;

/**
 * A driver call failed. The message says what failed in words a user can act on ("no domain named
 * node-1 on qemu:///system", not "error -7"); the cause, if any, is kept.
 *
 * <p>Subclasses: {@link InvalidDriverInfoException} (the node's configuration is wrong), {@link
 * DriverTimeoutException} (the hardware did not answer in time), {@link
 * UnsupportedDriverOperationException} (this hardware cannot do that).
 */
public class DriverException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public DriverException(String message) {
    super(message);
  }

  public DriverException(String message, Throwable cause) {
    super(message, cause);
  }
}
