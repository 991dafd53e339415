package io.ferrum.driver.ipmi;

import io.ferrum.driver.DriverNode;
import io.ferrum.driver.InvalidDriverInfoException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A node's {@code driver_info} for the {@code ipmi} hardware type, every value checked before it
 * can become an argument of {@code ipmitool}. Reading one ({@link #of}) throws {@link
 * InvalidDriverInfoException} naming the first key that is missing or malformed; the address is
 * only checked for its form here, the BMC network allowlist is the hardware type's business.
 *
 * <p>Immutable and thread-safe. {@link #toString()} never shows the password.
 *
 * @param address {@code ipmi_address}: the BMC's host name or IP address
 * @param port {@code ipmi_port}: UDP port, 1-65535 (default 623)
 * @param username {@code ipmi_username}, or {@code null} for the BMC's anonymous user
 * @param password {@code ipmi_password}, or {@code null} for none
 * @param privLevel {@code ipmi_priv_level}: ADMINISTRATOR (default), OPERATOR, USER or CALLBACK
 * @param lanplus whether {@code ipmi_protocol_version} is 2.0 (default; {@code -I lanplus}) rather
 *     than 1.5 ({@code -I lan})
 * @param cipherSuite {@code ipmi_cipher_suite}: 0-17, or {@code null} to let ipmitool negotiate
 * @param timeoutSeconds {@code ipmi_timeout}: seconds ipmitool waits for each answer, 1-60 (default
 *     2)
 * @param retries {@code ipmi_retries}: how often ipmitool resends an unanswered request, 0-10
 *     (default 3)
 */
record IpmiInfo(
    String address,
    int port,
    String username,
    String password,
    String privLevel,
    boolean lanplus,
    Integer cipherSuite,
    int timeoutSeconds,
    int retries) {

  static final String ADDRESS = "ipmi_address";
  static final String PORT = "ipmi_port";
  static final String USERNAME = "ipmi_username";
  static final String PASSWORD = "ipmi_password";
  static final String PRIV_LEVEL = "ipmi_priv_level";
  static final String PROTOCOL_VERSION = "ipmi_protocol_version";
  static final String CIPHER_SUITE = "ipmi_cipher_suite";
  static final String TIMEOUT = "ipmi_timeout";
  static final String RETRIES = "ipmi_retries";

  /** IPMI user names: up to 16 bytes; kept to characters no shell or option parser reads. */
  private static final Pattern USER = Pattern.compile("[A-Za-z0-9_.@][A-Za-z0-9_.@+-]{0,15}");

  /** IPMI 2.0 passwords are at most 20 bytes; ipmitool reads the first line of its file. */
  private static final int MAX_PASSWORD = 20;

  /** The keys this hardware type reads, each with a one-line description. */
  static final Map<String, String> PROPERTIES = describe();

  private static Map<String, String> describe() {
    Map<String, String> keys = new LinkedHashMap<>();
    keys.put(
        ADDRESS,
        "IP address or host name of the node's BMC; must lie in a network of"
            + " bmc-allowed-networks. Required.");
    keys.put(PORT, "UDP port of the BMC (1-65535). Optional, default 623.");
    keys.put(USERNAME, "BMC user name. Optional, default: the anonymous user.");
    keys.put(PASSWORD, "BMC password (at most 20 characters). Optional.");
    keys.put(
        PRIV_LEVEL,
        "Privilege level: ADMINISTRATOR, OPERATOR, USER or CALLBACK. Optional, default"
            + " ADMINISTRATOR.");
    keys.put(
        PROTOCOL_VERSION,
        "IPMI version: \"2.0\" (ipmitool -I lanplus) or \"1.5\" (-I lan). Optional, default"
            + " \"2.0\".");
    keys.put(
        CIPHER_SUITE,
        "IPMI 2.0 cipher suite (0-17), e.g. 3 or 17. Optional, default: negotiated by ipmitool.");
    keys.put(TIMEOUT, "Seconds to wait for each answer from the BMC (1-60). Optional, default 2.");
    keys.put(RETRIES, "How often to resend an unanswered request (0-10). Optional, default 3.");
    return Collections.unmodifiableMap(keys);
  }

  /**
   * Reads and checks the {@code ipmi_*} keys of {@code node}.
   *
   * @throws InvalidDriverInfoException naming the first key that is missing or malformed
   */
  static IpmiInfo of(DriverNode node) {
    String address = node.requireInfo(ADDRESS).trim();
    if (address.startsWith("-")) {
      throw new InvalidDriverInfoException(
          "driver_info." + ADDRESS + " must be a host name or an IP address, not an option");
    }
    int port = number(node, PORT, 623, 1, 65535);
    String username = text(node, USERNAME);
    if (username != null && !USER.matcher(username).matches()) {
      throw new InvalidDriverInfoException(
          "driver_info."
              + USERNAME
              + " must be 1-16 characters of letters, digits and _ . @ + - (not starting with -)");
    }
    String password = text(node, PASSWORD);
    if (password != null) {
      if (password.length() > MAX_PASSWORD) {
        throw new InvalidDriverInfoException(
            "driver_info." + PASSWORD + " is longer than IPMI's " + MAX_PASSWORD + " characters");
      }
      if (password.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
        throw new InvalidDriverInfoException(
            "driver_info." + PASSWORD + " must not contain control characters or line breaks");
      }
    }
    String priv = text(node, PRIV_LEVEL);
    priv = priv == null ? "ADMINISTRATOR" : priv.toUpperCase(Locale.ROOT);
    if (!priv.equals("ADMINISTRATOR")
        && !priv.equals("OPERATOR")
        && !priv.equals("USER")
        && !priv.equals("CALLBACK")) {
      throw new InvalidDriverInfoException(
          "driver_info." + PRIV_LEVEL + " must be ADMINISTRATOR, OPERATOR, USER or CALLBACK");
    }
    String version = text(node, PROTOCOL_VERSION);
    boolean lanplus;
    if (version == null || version.equals("2.0") || version.equals("2")) {
      lanplus = true;
    } else if (version.equals("1.5")) {
      lanplus = false;
    } else {
      throw new InvalidDriverInfoException(
          "driver_info." + PROTOCOL_VERSION + " must be \"2.0\" or \"1.5\"");
    }
    Integer cipher = null;
    if (text(node, CIPHER_SUITE) != null) {
      if (!lanplus) {
        throw new InvalidDriverInfoException(
            "driver_info."
                + CIPHER_SUITE
                + " needs "
                + PROTOCOL_VERSION
                + " 2.0 (IPMI 1.5 has no cipher suites)");
      }
      cipher = number(node, CIPHER_SUITE, 3, 0, 17);
    }
    int timeout = number(node, TIMEOUT, 2, 1, 60);
    int retries = number(node, RETRIES, 3, 0, 10);
    return new IpmiInfo(address, port, username, password, priv, lanplus, cipher, timeout, retries);
  }

  /** The BMC as messages and the per-BMC queue name it: {@code address:port}. */
  String bmc() {
    boolean bareIpv6 = address.contains(":") && !address.startsWith("[");
    return (bareIpv6 ? "[" + address + "]" : address) + ":" + port;
  }

  private static String text(DriverNode node, String key) {
    Object value = node.driverInfo().get(key);
    if (value == null) {
      return null;
    }
    if (!(value instanceof String) && !(value instanceof Number)) {
      throw new InvalidDriverInfoException("driver_info." + key + " must be a string");
    }
    String text = value.toString();
    return text.isEmpty() ? null : text;
  }

  private static int number(DriverNode node, String key, int fallback, int min, int max) {
    Object value = node.driverInfo().get(key);
    if (value == null || (value instanceof String s && s.isBlank())) {
      return fallback;
    }
    String text = value.toString().trim();
    if (text.matches("\\d{1,6}")) {
      int number = Integer.parseInt(text);
      if (number >= min && number <= max) {
        return number;
      }
    }
    throw new InvalidDriverInfoException(
        "driver_info." + key + " must be a whole number from " + min + " to " + max);
  }

  @Override
  public String toString() {
    return "IpmiInfo["
        + bmc()
        + ", user "
        + username
        + ", password "
        + (password == null ? "none" : "******")
        + ", "
        + privLevel
        + ", "
        + (lanplus ? "lanplus" : "lan")
        + (cipherSuite == null ? "" : ", cipher suite " + cipherSuite)
        + "]";
  }
}
