package io.ferrum.conductor;

/**
 * What an error means to a caller, grouped the way Ironic groups its exceptions. The HTTP status is
 * a hint for servers built on the conductor; the conductor itself knows nothing of HTTP.
 */
public enum ErrorKind {
  /** The request is wrong and will stay wrong: bad parameter, event not allowed. */
  INVALID(400),
  /** The caller did not prove who it is: a deploy ramdisk's agent without its node's token. */
  UNAUTHORIZED(401),
  /** The request is refused by a setting of the node itself (it is protected, say). */
  FORBIDDEN(403),
  /** The node (or another named thing) does not exist. */
  NOT_FOUND(404),
  /** The request clashes with the node's current situation: locked, busy, duplicate. */
  CONFLICT(409),
  /** Try again later: no free worker, conductor stopping, database unavailable. */
  TEMPORARY(503),
  /** Something broke inside Ferrum. */
  INTERNAL(500);

  private final int httpStatus;

  ErrorKind(int httpStatus) {
    this.httpStatus = httpStatus;
  }

  /** The HTTP status an API reports for this kind. */
  public int httpStatus() {
    return httpStatus;
  }
}
