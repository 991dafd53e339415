package io.ferrum.conductor;

/**
 * A conductor tried to start under the name of one that is alive (its heartbeat is within the
 * timeout, on the database's clock). Starting would take over the live conductor's work; stop it
 * first, or give the new one another name.
 */
public class ConductorNameInUseException extends FerrumException {
  private static final long serialVersionUID = 1L;

  public ConductorNameInUseException(String message) {
    super(message);
  }

  @Override
  public ErrorKind kind() {
    return ErrorKind.CONFLICT;
  }
}
