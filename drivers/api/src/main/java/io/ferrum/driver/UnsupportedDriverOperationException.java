package io.ferrum.driver;

/** This hardware type cannot do what was asked. */
public class UnsupportedDriverOperationException extends DriverException {
  private static final long serialVersionUID = 1L;

  public UnsupportedDriverOperationException(String message) {
    super(message);
  }

  public UnsupportedDriverOperationException(String message, Throwable cause) {
    super(message, cause);
  }
}
