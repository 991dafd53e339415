package io.ferrum.driver;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;

/**
 * The operator's allowlist for deploy ramdisk agents: where the conductor may send commands to the
 * agent running on a node. An agent reports its address in every heartbeat ({@code callback_url},
 * for example {@code http://192.0.2.10:9999}); that value comes from the network, not from the
 * operator, so it is used only when
 *
 * <ul>
 *   <li>it is at most {@value #MAX_LENGTH} characters, its scheme is {@code http} or {@code https},
 *       and it has no user information, query or fragment, and no path but {@code /};
 *   <li>its host is an IP address (never a host name, which could point elsewhere later) in a
 *       network of {@value #ALLOWED_NETWORKS}, a comma-separated list of CIDR blocks or addresses:
 *       the provisioning networks. The default is empty: no agent can be reached until the operator
 *       names them.
 * </ul>
 *
 * The conductor checks the URL when a heartbeat reports it and a driver checks it again right
 * before it connects.
 *
 * <p>Immutable and thread-safe.
 */
public final class AgentCallbackPolicy {

  /** Setting: comma-separated CIDR blocks or addresses deploy ramdisk agents may have. */
  public static final String ALLOWED_NETWORKS = "agent-allowed-networks";

  /** The longest callback URL accepted. */
  public static final int MAX_LENGTH = 255;

  private static final String FIELD = "callback_url";

  private final BmcNetworkPolicy networks;

  private AgentCallbackPolicy(BmcNetworkPolicy networks) {
    this.networks = networks;
  }

  /**
   * The policy the operator's settings describe.
   *
   * @throws IllegalArgumentException naming an entry that is not a CIDR block or an address
   */
  public static AgentCallbackPolicy from(DriverSettings settings) {
    return new AgentCallbackPolicy(
        BmcNetworkPolicy.from(settings, ALLOWED_NETWORKS, "a provisioning network"));
  }

  /** The allowed networks as the operator wrote them. */
  public List<String> networks() {
    return networks.networks();
  }

  /**
   * The agent's base URL, {@code scheme://address:port} with no path, for a callback URL an agent
   * reported.
   *
   * @throws InvalidDriverInfoException naming the rule {@code url} breaks (and, for an address out
   *     of the allowed networks, the setting that would allow it)
   */
  public URI check(String url) {
    if (url == null || url.isBlank()) {
      throw new InvalidDriverInfoException(FIELD + " is missing");
    }
    if (url.length() > MAX_LENGTH) {
      throw new InvalidDriverInfoException(FIELD + " is longer than " + MAX_LENGTH + " characters");
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw malformed(url, "it is not a URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw malformed(url, "its scheme must be http or https");
    }
    if (uri.getRawUserInfo() != null
        || uri.getRawQuery() != null
        || uri.getRawFragment() != null
        || (uri.getRawPath() != null
            && !uri.getRawPath().isEmpty()
            && !uri.getRawPath().equals("/"))) {
      throw malformed(url, "it may have no user, path, query or fragment");
    }
    String host = uri.getHost();
    if (host == null) {
      throw malformed(url, "it names no host");
    }
    String bare =
        host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    if (!bare.contains(":") && !bare.matches("[0-9.]+")) {
      throw malformed(url, "its host must be an IP address");
    }
    InetAddress address = networks.resolve(FIELD, host);
    int port = uri.getPort();
    if (port == 0 || port > 65535) {
      throw malformed(url, "its port must be from 1 to 65535");
    }
    if (port < 0) {
      port = scheme.equals("https") ? 443 : 80;
    }
    String shown = address.getHostAddress();
    if (shown.contains(":")) {
      shown = "[" + shown + "]";
    }
    return URI.create(scheme + "://" + shown + ":" + port);
  }

  private static InvalidDriverInfoException malformed(String url, String rule) {
    return new InvalidDriverInfoException(
        FIELD + " \"" + printable(url) + "\" is not usable: " + rule);
  }

  private static String printable(String value) {
    StringBuilder out = new StringBuilder();
    value
        .codePoints()
        .limit(80)
        .forEach(c -> out.append(c < 0x20 || c == 0x7f ? "?" : new String(Character.toChars(c))));
    return out.toString();
  }

  @Override
  public String toString() {
    return "AgentCallbackPolicy" + networks();
  }
}
