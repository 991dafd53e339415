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

  /**
   * A value the operator's allowlists refuse: the message names {@code field}, shows {@code value}
   * (at most 200 characters, control characters replaced) and says {@code why}.
   */
  public static InvalidDriverInfoException notAllowed(String field, String value, String why) {
    String shown = value.length() > 200 ? value.substring(0, 200) + "..." : value;
    shown = shown.replaceAll("\\p{Cntrl}", "?");
    return new InvalidDriverInfoException(field + " \"" + shown + "\" is not allowed: " + why);
  }
}
