package io.ferrum.cli.api;

/** An HTTP error the API answers with, in Ironic's error envelope. */
public final class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String allow;

  public ApiException(int status, String message) {
    this(status, message, (String) null);
  }

  /** A 405 (or other) error that also names the allowed methods. */
  public ApiException(int status, String message, String allow) {
    super(message);
    this.status = status;
    this.allow = allow;
  }

  /** For a 405: the methods the resource allows, else {@code null}. */
  public String allow() {
    return allow;
  }

  /** The HTTP status. */
  public int status() {
    return status;
  }
}
