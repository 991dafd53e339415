package io.ferrum.conductor;

/**
 * A heartbeat from a deploy ramdisk's agent carried no token, or not the one its node gave out at
 * lookup. The message is the same for both, and names neither token.
 */
public class InvalidAgentTokenException extends FerrumException {
  private static final long serialVersionUID = 1L;

  public InvalidAgentTokenException(String message) {
    super(message);
  }

  @Override
  public ErrorKind kind() {
    return ErrorKind.UNAUTHORIZED;
  }
}
