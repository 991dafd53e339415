package io.ferrum.driver;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The operator's allowlist of BMC networks: the addresses a node's baseboard management controller
 * ({@code driver_info.ipmi_address}, the host of {@code redfish_address}, ...) may have. An address
 * is used only when it lies in a network of {@value #ALLOWED_NETWORKS}, a comma-separated list of
 * CIDR blocks ({@code 10.1.0.0/16}, {@code fd00:bmc::/64}) or single addresses. The default is
 * empty: no BMC can be reached until the operator names the management networks, since a BMC
 * protocol aimed at an arbitrary address lets an API user probe whatever the conductor's host can
 * reach.
 *
 * <p>A host is an IPv4 address in dotted-quad form, an IPv6 address (optionally in brackets, no
 * zone) or a DNS host name (letters, digits and hyphens in labels of at most 63 characters, not
 * starting or ending with a hyphen, not all digits at the end). So no value can pass for a program
 * option ({@code -o...}) or carry a space, a slash or a control character. A host name is resolved
 * when it is used ({@link #resolve}), and every address it resolves to must be allowed; drivers
 * then talk to the checked address, not to the name, so the name cannot point elsewhere in between.
 *
 * <p>Immutable and thread-safe.
 */
public final class BmcNetworkPolicy {

  /** Setting: comma-separated CIDR blocks or addresses BMCs may have. */
  public static final String ALLOWED_NETWORKS = "bmc-allowed-networks";

  private static final Pattern IPV4 =
      Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");
  private static final Pattern LABEL =
      Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");

  /** One allowed network: an address and how many leading bits must match. */
  private record Network(String text, byte[] address, int bits) {
    boolean contains(InetAddress candidate) {
      byte[] other = candidate.getAddress();
      if (other.length != address.length) {
        return false;
      }
      int full = bits / 8;
      for (int i = 0; i < full; i++) {
        if (other[i] != address[i]) {
          return false;
        }
      }
      int rest = bits % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xff << (8 - rest)) & 0xff;
      return (other[full] & mask) == (address[full] & mask);
    }
  }

  private final List<Network> networks;
  private final String setting;
  private final String what;

  private BmcNetworkPolicy(List<Network> networks, String setting, String what) {
    this.networks = List.copyOf(networks);
    this.setting = setting;
    this.what = what;
  }

  /** The default: no network at all. */
  public static BmcNetworkPolicy defaults() {
    return from(DriverSettings.none());
  }

  /**
   * The policy the operator's settings describe.
   *
   * @throws IllegalArgumentException naming an entry that is not a CIDR block or an address
   */
  public static BmcNetworkPolicy from(DriverSettings settings) {
    return from(settings, ALLOWED_NETWORKS, "a BMC network");
  }

  /**
   * The same rules over the networks of another setting, for other hosts the conductor talks to
   * (for example a deploy ramdisk's agent); refusals name {@code setting} and {@code what} (as in
   * "an operator can add a BMC network").
   *
   * @throws IllegalArgumentException naming an entry that is not a CIDR block or an address
   */
  public static BmcNetworkPolicy from(DriverSettings settings, String setting, String what) {
    List<Network> networks = new ArrayList<>();
    for (String entry : settings.list(setting, List.of())) {
      networks.add(network(setting, entry));
    }
    return new BmcNetworkPolicy(networks, setting, what);
  }

  /** The allowed networks as the operator wrote them. */
  public List<String> networks() {
    return networks.stream().map(Network::text).toList();
  }

  /**
   * Checks {@code host} from {@code field} without resolving it: its form, and for an address, its
   * network. A host name passes when its form is right and some network is allowed at all; {@link
   * #resolve} checks where it points.
   *
   * @throws InvalidDriverInfoException naming the rule broken and the setting that would allow it
   */
  public void check(String field, String host) {
    InetAddress literal = literal(field, host);
    if (literal != null) {
      requireAllowed(field, host, literal);
    } else if (networks.isEmpty()) {
      throw refusal(field, host);
    }
  }

  /**
   * The address to talk to for {@code host} from {@code field}: the address itself, or what the
   * host name resolves to, each of which must be allowed (the first is returned).
   *
   * @throws InvalidDriverInfoException if the host is malformed or an address is not allowed
   * @throws DriverException if the host name does not resolve
   */
  public InetAddress resolve(String field, String host) {
    InetAddress literal = literal(field, host);
    if (literal != null) {
      requireAllowed(field, host, literal);
      return literal;
    }
    if (networks.isEmpty()) {
      throw refusal(field, host);
    }
    InetAddress[] all;
    try {
      all = InetAddress.getAllByName(host);
    } catch (UnknownHostException e) {
      throw new DriverException(field + ": host name \"" + host + "\" does not resolve", e);
    }
    for (InetAddress address : all) {
      requireAllowed(field, host + " (" + address.getHostAddress() + ")", address);
    }
    return all[0];
  }

  /**
   * {@code host} as an address when it is one, {@code null} when it is a well-formed host name.
   *
   * @throws InvalidDriverInfoException when it is neither
   */
  private static InetAddress literal(String field, String host) {
    if (host == null || host.isEmpty() || host.length() > 253) {
      throw new InvalidDriverInfoException(
          field + " must be a host name or an IP address of at most 253 characters");
    }
    String bare =
        host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    if (IPV4.matcher(bare).matches()) {
      for (String part : bare.split("\\.")) {
        if (Integer.parseInt(part) > 255 || (part.length() > 1 && part.startsWith("0"))) {
          throw malformed(field, host);
        }
      }
      return parseLiteral(field, host, bare);
    }
    if (bare.contains(":")) {
      if (!IPV6.matcher(bare).matches()) {
        throw malformed(field, host);
      }
      return parseLiteral(field, host, bare);
    }
    if (!host.equals(bare)) {
      throw malformed(field, host);
    }
    String[] labels = host.split("\\.", -1);
    for (String label : labels) {
      if (!LABEL.matcher(label).matches()) {
        throw malformed(field, host);
      }
    }
    if (labels[labels.length - 1].chars().allMatch(Character::isDigit)) {
      throw malformed(field, host);
    }
    return null;
  }

  private static InetAddress parseLiteral(String field, String host, String bare) {
    try {
      // A literal (checked above to hold only digits, dots, colons and hex) is parsed, not looked
      // up.
      return InetAddress.getByName(bare);
    } catch (UnknownHostException e) {
      throw malformed(field, host);
    }
  }

  private static InvalidDriverInfoException malformed(String field, String host) {
    return InvalidDriverInfoException.notAllowed(
        field,
        host,
        "it is neither an IPv4 address (a.b.c.d), an IPv6 address nor a DNS host name");
  }

  private void requireAllowed(String field, String shown, InetAddress address) {
    for (Network network : networks) {
      if (network.contains(address)) {
        return;
      }
    }
    throw refusal(field, shown);
  }

  private InvalidDriverInfoException refusal(String field, String shown) {
    return InvalidDriverInfoException.notAllowed(
        field,
        shown,
        "it is in no network of "
            + setting
            + " ("
            + (networks.isEmpty() ? "empty" : String.join(", ", networks()))
            + "); "
            + DriverSettings.howToAllow(setting, what));
  }

  private static Network network(String setting, String entry) {
    String text = entry.trim();
    int slash = text.indexOf('/');
    String address = slash < 0 ? text : text.substring(0, slash);
    InetAddress parsed;
    try {
      parsed = literal(setting, address);
    } catch (InvalidDriverInfoException e) {
      parsed = null;
    }
    if (parsed == null) {
      throw new IllegalArgumentException(
          setting + ": \"" + entry + "\" is not an IP address or a CIDR block");
    }
    int max = parsed.getAddress().length * 8;
    int bits = max;
    if (slash >= 0) {
      String prefix = text.substring(slash + 1);
      if (!prefix.matches("\\d{1,3}") || Integer.parseInt(prefix) > max) {
        throw new IllegalArgumentException(
            setting + ": \"" + entry + "\" has a prefix length outside 0-" + max);
      }
      bits = Integer.parseInt(prefix);
    }
    return new Network(text.toLowerCase(Locale.ROOT), parsed.getAddress(), bits);
  }

  @Override
  public String toString() {
    return "BmcNetworkPolicy[" + setting + "=" + networks() + "]";
  }
}
