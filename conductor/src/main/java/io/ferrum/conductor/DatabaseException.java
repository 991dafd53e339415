package io.ferrum.conductor;

/**
 * The database failed or did not answer in time; the message says during what (and the SQL state),
 * never the driver's own words, which may name hosts and users: those stay in the cause. Try again
 * later: a conductor repairs what an outage left behind once the database answers.
 */
public class DatabaseException extends FerrumException {
  private static final long serialVersionUID = 1L;

  public DatabaseException(String message) {
    super(message);
  }

  public DatabaseException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public ErrorKind kind() {
    return ErrorKind.TEMPORARY;
  }
}
