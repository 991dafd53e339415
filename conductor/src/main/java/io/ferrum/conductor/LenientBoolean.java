package io.ferrum.conductor;

import java.util.Locale;

/**
 * A boolean as Ironic's API reads one: {@code true} or {@code false}, or a string oslo.utils
 * accepts ({@code "true"}, {@code "t"}, {@code "yes"}, {@code "y"}, {@code "on"}, {@code "1"} and
 * their opposites, in any case). Clients send strings: {@code baremetal node set --protected}
 * patches {@code "True"}. Stateless and thread-safe.
 */
public final class LenientBoolean {

  private LenientBoolean() {}

  /**
   * {@code value} as a boolean.
   *
   * @param field names the value in the error
   * @throws InvalidParameterException for anything else, {@code null} included
   */
  public static boolean parse(Object value, String field) {
    if (value instanceof Boolean flag) {
      return flag;
    }
    if (value instanceof String text) {
      switch (text.trim().toLowerCase(Locale.ROOT)) {
        case "true", "t", "yes", "y", "on", "1" -> {
          return true;
        }
        case "false", "f", "no", "n", "off", "0" -> {
          return false;
        }
        default -> {
          // not a boolean: reported below
        }
      }
    }
    throw new InvalidParameterException(
        field
            + " must be true or false, not "
            + (value instanceof String ? "\"" + value + "\"" : String.valueOf(value)));
  }
}
