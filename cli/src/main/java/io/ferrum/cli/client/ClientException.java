package io.ferrum.cli.client;

/**
 * A request to the Ferrum API failed; {@link #exitCode()} is what {@code ferrum} exits with: 2 for
 * a request the server refused as wrong (400, 406, 413, 415), 3 for not found, 4 for a conflict (a
 * locked or busy node, a name taken), 5 for "try again later" (503), 1 for anything else.
 */
public final class ClientException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;

  public ClientException(int status, String message) {
    super(message);
    this.status = status;
  }

  public ClientException(String message, Throwable cause) {
    super(message, cause);
    this.status = 0;
  }

  /** The HTTP status, or 0 when the server was not reached. */
  public int status() {
    return status;
  }

  /** The exit code for this failure. */
  public int exitCode() {
    return switch (status) {
      case 400, 406, 413, 415 -> 2;
      case 404 -> 3;
      case 409 -> 4;
      case 503 -> 5;
      default -> 1;
    };
  }
}
