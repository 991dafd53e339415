package io.ferrum.driver.redfish;

import io.ferrum.driver.DriverNode;
import io.ferrum.driver.InvalidDriverInfoException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A node's {@code driver_info} for the {@code redfish} hardware type, checked before any of it
 * reaches the network. Reading one ({@link #of}) throws {@link InvalidDriverInfoException} naming
 * the first key that is missing or malformed; whether the host may be reached is the hardware
 * type's business.
 *
 * <p>Immutable and thread-safe. {@link #toString()} never shows the password.
 *
 * @param scheme {@code https}, or {@code http} where the operator allows it
 * @param host the BMC's host name or address (IPv6 without brackets)
 * @param port the port, or -1 for the scheme's
 * @param systemId the system's path ({@code /redfish/v1/Systems/...}), or {@code null} for the only
 *     system of the service
 * @param username {@code redfish_username}, or {@code null}
 * @param password {@code redfish_password}, or {@code null}
 * @param verifyCa whether the BMC's TLS certificate is checked ({@code redfish_verify_ca}, default
 *     true)
 * @param authType {@code redfish_auth_type}: {@code basic}, {@code session} or {@code auto}
 *     (default: a session where the service offers one, else basic)
 */
record RedfishInfo(
    String scheme,
    String host,
    int port,
    String systemId,
    String username,
    String password,
    boolean verifyCa,
    String authType) {

  static final String ADDRESS = "redfish_address";
  static final String SYSTEM_ID = "redfish_system_id";
  static final String USERNAME = "redfish_username";
  static final String PASSWORD = "redfish_password";
  static final String VERIFY_CA = "redfish_verify_ca";
  static final String AUTH_TYPE = "redfish_auth_type";

  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_.:@+-]{1,128}");

  /** The keys this hardware type reads, each with a one-line description. */
  static final Map<String, String> PROPERTIES = describe();

  private static Map<String, String> describe() {
    Map<String, String> keys = new LinkedHashMap<>();
    keys.put(
        ADDRESS,
        "The BMC's Redfish service as https://host[:port]; the host must lie in a network of"
            + " bmc-allowed-networks. Required.");
    keys.put(
        SYSTEM_ID,
        "The system's path, e.g. /redfish/v1/Systems/1. Optional when the service has exactly one"
            + " system.");
    keys.put(USERNAME, "User name for HTTP basic authentication. Optional.");
    keys.put(PASSWORD, "Password for HTTP basic authentication. Optional.");
    keys.put(
        VERIFY_CA,
        "Whether to check the BMC's TLS certificate against the conductor's trusted CAs: true"
            + " (default) or false. Optional.");
    keys.put(
        AUTH_TYPE,
        "How to authenticate: basic (HTTP basic), session (a Redfish session, reused and"
            + " renewed) or auto (a session where the service offers one, else basic). Optional,"
            + " default auto.");
    return Collections.unmodifiableMap(keys);
  }

  /**
   * Reads and checks the {@code redfish_*} keys of {@code node}.
   *
   * @param schemes the URL schemes the operator allows ({@code https}, maybe {@code http})
   * @throws InvalidDriverInfoException naming the first key that is missing or malformed
   */
  static RedfishInfo of(DriverNode node, List<String> schemes) {
    String address = node.requireInfo(ADDRESS).trim();
    URI uri;
    try {
      uri = new URI(address);
    } catch (URISyntaxException e) {
      throw new InvalidDriverInfoException(
          "driver_info." + ADDRESS + " is not a URL (" + e.getReason() + ")");
    }
    String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
    if (scheme == null || uri.isOpaque()) {
      throw new InvalidDriverInfoException(
          "driver_info." + ADDRESS + " must be a URL such as https://bmc.example.com");
    }
    if (!schemes.contains(scheme)) {
      throw new InvalidDriverInfoException(
          "driver_info."
              + ADDRESS
              + " must use "
              + String.join(" or ", schemes)
              + ", not "
              + scheme
              + " (the operator's redfish-allowed-schemes)");
    }
    if (uri.getRawAuthority() == null) {
      throw new InvalidDriverInfoException(
          "driver_info." + ADDRESS + " must be a URL such as https://bmc.example.com");
    }
    if (uri.getRawUserInfo() != null
        || uri.getRawQuery() != null
        || uri.getRawFragment() != null
        || !(uri.getRawPath() == null
            || uri.getRawPath().isEmpty()
            || uri.getRawPath().equals("/"))) {
      throw new InvalidDriverInfoException(
          "driver_info."
              + ADDRESS
              + " must be scheme://host[:port] only: no user, path, query or fragment");
    }
    String host = uri.getHost();
    if (host == null) {
      throw new InvalidDriverInfoException(
          "driver_info." + ADDRESS + " must name a host name or an IP address");
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    String systemId = text(node, SYSTEM_ID);
    if (systemId != null) {
      if (!systemId.startsWith("/redfish/v1/Systems/")) {
        throw new InvalidDriverInfoException(
            "driver_info." + SYSTEM_ID + " must be a path such as /redfish/v1/Systems/1");
      }
      for (String segment : systemId.substring(1).split("/", -1)) {
        if (!SEGMENT.matcher(segment).matches() || segment.equals("..") || segment.equals(".")) {
          throw new InvalidDriverInfoException(
              "driver_info."
                  + SYSTEM_ID
                  + " must be a plain path (letters, digits, _ . : @ + -; no empty, . or .."
                  + " segment, no %-escape)");
        }
      }
    }
    String username = text(node, USERNAME);
    String password = text(node, PASSWORD);
    for (String[] credential : new String[][] {{USERNAME, username}, {PASSWORD, password}}) {
      if (credential[1] != null
          && (credential[1].length() > 256 || credential[1].chars().anyMatch(c -> c < 0x20))) {
        throw new InvalidDriverInfoException(
            "driver_info."
                + credential[0]
                + " must be at most 256 characters without control characters");
      }
    }
    if (username != null && username.contains(":")) {
      throw new InvalidDriverInfoException(
          "driver_info." + USERNAME + " must not contain ':' (HTTP basic authentication)");
    }
    String auth = text(node, AUTH_TYPE);
    auth = auth == null ? "auto" : auth;
    if (!auth.equals("basic") && !auth.equals("session") && !auth.equals("auto")) {
      throw new InvalidDriverInfoException(
          "driver_info." + AUTH_TYPE + " must be basic, session or auto");
    }
    String verify = text(node, VERIFY_CA);
    boolean verifyCa;
    if (verify == null || verify.equalsIgnoreCase("true")) {
      verifyCa = true;
    } else if (verify.equalsIgnoreCase("false")) {
      verifyCa = false;
    } else {
      throw new InvalidDriverInfoException(
          "driver_info."
              + VERIFY_CA
              + " must be true or false (a CA bundle path is not accepted from the API: add the"
              + " CA to the conductor's trust store)");
    }
    return new RedfishInfo(
        scheme, host, uri.getPort(), systemId, username, password, verifyCa, auth);
  }

  /** The service's base URI for {@code address} (the checked address of {@link #host}). */
  String base() {
    String shownHost = host.contains(":") ? "[" + host + "]" : host;
    return scheme + "://" + shownHost + (port < 0 ? "" : ":" + port);
  }

  private static String text(DriverNode node, String key) {
    Object value = node.driverInfo().get(key);
    if (value == null) {
      return null;
    }
    if (!(value instanceof String) && !(value instanceof Boolean)) {
      throw new InvalidDriverInfoException("driver_info." + key + " must be a string");
    }
    String text = value.toString();
    return text.isEmpty() ? null : text;
  }

  @Override
  public String toString() {
    return "RedfishInfo["
        + base()
        + (systemId == null ? "" : systemId)
        + ", user "
        + username
        + ", password "
        + (password == null ? "none" : "******")
        + ", verify "
        + verifyCa
        + ", auth "
        + authType
        + "]";
  }
}
