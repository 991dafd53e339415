package io.ferrum.conductor;

import java.util.Locale;
import java.util.regex.Pattern;

/** MAC addresses as ports store them: six octets, lower case, colon-separated. Stateless. */
final class MacAddress {

  private static final Pattern MAC =
      Pattern.compile("[0-9a-f]{2}([:-])[0-9a-f]{2}(\\1[0-9a-f]{2}){4}");

  private MacAddress() {}

  /**
   * {@code value} normalized.
   *
   * @throws InvalidParameterException naming {@code field} if it is not a MAC address
   */
  static String normalize(Object value, String field) {
    if (!(value instanceof String text)
        || !MAC.matcher(text.trim().toLowerCase(Locale.ROOT)).matches()) {
      throw new InvalidParameterException(
          "Expected a MAC address but received " + value + " (" + field + ").");
    }
    return text.trim().toLowerCase(Locale.ROOT).replace('-', ':');
  }

  /** Whether {@code value} is a MAC address. */
  static boolean valid(String value) {
    return value != null && MAC.matcher(value.toLowerCase(Locale.ROOT)).matches();
  }
}
