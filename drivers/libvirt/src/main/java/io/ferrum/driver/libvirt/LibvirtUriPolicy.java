package io.ferrum.driver.libvirt;

import io.ferrum.driver.DriverSettings;
import io.ferrum.driver.InvalidDriverInfoException;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The operator's allowlist of libvirt connection URIs. A URI from a node is used only when it
 * matches an entry of {@value #ALLOWED_URIS} (default {@code qemu:///system}, {@code
 * test:///default}) in scheme and transport, host (an entry's host may be {@code *.example.com}),
 * port and path, and user when the entry names one. A query parameter (libvirt's transport
 * parameters such as {@code command=}, {@code socket=}, {@code keyfile=}, which name programs,
 * sockets and key files on the conductor's host) is allowed only when the matching entry carries it
 * with the same value, or when its name is in {@value #ALLOWED_PARAMS} (default: none).
 *
 * <p>Before any matching, a URI must be plain: ASCII without spaces, control characters or
 * backslashes; no fragment; no password in the user part; a path of ordinary segments (no {@code
 * .}, {@code ..}, empty segment or percent escape); each parameter once. So {@code
 * test:///etc/shadow}, {@code test:///../../etc/hostname} and {@code
 * qemu+ext:///system?command=/tmp/x} never reach libvirt unless an operator listed them.
 *
 * <p>Immutable and thread-safe.
 */
final class LibvirtUriPolicy {

  /** Setting: comma-separated libvirt URIs nodes may use. */
  static final String ALLOWED_URIS = "libvirt-allowed-uris";

  /** Setting: comma-separated URI parameter names nodes may set to any value. */
  static final String ALLOWED_PARAMS = "libvirt-allowed-uri-params";

  /** The URIs allowed when the operator names none: the local hypervisor and the test driver. */
  static final List<String> DEFAULT_URIS = List.of("qemu:///system", "test:///default");

  private static final int MAX_LENGTH = 1024;
  private static final Pattern SCHEME = Pattern.compile("[a-z][a-z0-9]*(\\+[a-z0-9]+)?");
  private static final Pattern USER = Pattern.compile("[A-Za-z0-9_.][A-Za-z0-9_.-]{0,63}");
  private static final Pattern HOST =
      Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]{0,252})|\\[[0-9A-Fa-f:.]{2,45}\\]");
  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_+.-]{1,255}");
  private static final Pattern PARAM = Pattern.compile("[a-z0-9_]{1,64}");

  /** A URI taken apart; {@code host} is "" for a local URI, {@code port} -1 when absent. */
  private record Parts(
      String text,
      String scheme,
      String user,
      String host,
      int port,
      String path,
      Map<String, String> params) {

    boolean sameEndpoint(Parts entry) {
      return scheme.equals(entry.scheme)
          && port == entry.port
          && path.equals(entry.path)
          && (entry.user == null || entry.user.equals(user))
          && hostMatches(entry.host);
    }

    private boolean hostMatches(String pattern) {
      if (pattern.startsWith("*.")) {
        return host.endsWith(pattern.substring(1)) && host.length() > pattern.length() - 1;
      }
      return host.equals(pattern);
    }
  }

  private final List<Parts> allowed;
  private final Set<String> params;

  private LibvirtUriPolicy(List<Parts> allowed, Set<String> params) {
    this.allowed = List.copyOf(allowed);
    this.params = Set.copyOf(params);
  }

  /** The defaults: {@link #DEFAULT_URIS}, no free parameters. */
  static LibvirtUriPolicy defaults() {
    return from(DriverSettings.none());
  }

  /**
   * The policy the operator's settings describe.
   *
   * @throws IllegalArgumentException naming an entry that is not a plain libvirt URI
   */
  static LibvirtUriPolicy from(DriverSettings settings) {
    List<Parts> allowed = new ArrayList<>();
    for (String entry : settings.list(ALLOWED_URIS, DEFAULT_URIS)) {
      try {
        allowed.add(parse(entry, true));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            ALLOWED_URIS + ": \"" + entry + "\" is not a plain libvirt URI: " + e.getMessage(), e);
      }
    }
    Set<String> names = new LinkedHashSet<>();
    for (String name : settings.list(ALLOWED_PARAMS, List.of())) {
      String lower = name.toLowerCase(Locale.ROOT);
      if (!PARAM.matcher(lower).matches()) {
        throw new IllegalArgumentException(
            ALLOWED_PARAMS + ": \"" + name + "\" is not a URI parameter name");
      }
      names.add(lower);
    }
    return new LibvirtUriPolicy(allowed, names);
  }

  /**
   * Checks {@code value} from {@code field} (e.g. {@code driver_info.libvirt_uri}).
   *
   * @throws InvalidDriverInfoException naming the rule broken and the setting that would allow it
   */
  void check(String field, Object value) {
    if (!(value instanceof String text) || text.isBlank()) {
      throw new InvalidDriverInfoException(field + " must be a non-empty string");
    }
    Parts uri;
    try {
      uri = parse(text, false);
    } catch (IllegalArgumentException e) {
      throw InvalidDriverInfoException.notAllowed(field, text, e.getMessage());
    }
    List<Parts> endpoints = allowed.stream().filter(uri::sameEndpoint).toList();
    if (endpoints.isEmpty()) {
      throw InvalidDriverInfoException.notAllowed(
          field,
          text,
          "it matches no entry of "
              + ALLOWED_URIS
              + " ("
              + String.join(", ", allowed.stream().map(Parts::text).toList())
              + "); "
              + DriverSettings.howToAllow(ALLOWED_URIS, "a URI"));
    }
    String refused = null;
    for (Parts entry : endpoints) {
      refused = refusedParameter(uri, entry);
      if (refused == null) {
        return;
      }
    }
    throw InvalidDriverInfoException.notAllowed(
        field,
        text,
        "parameter \""
            + refused
            + "\" is not in "
            + ALLOWED_PARAMS
            + " ("
            + (params.isEmpty() ? "empty" : String.join(", ", params))
            + ") and not pinned by the matching "
            + ALLOWED_URIS
            + " entry; libvirt URI parameters can name programs, sockets and key files on the"
            + " conductor's host; "
            + DriverSettings.howToAllow(ALLOWED_PARAMS, "a parameter")
            + ", or pin its value in an "
            + ALLOWED_URIS
            + " entry");
  }

  /** The first parameter of {@code uri} that {@code entry} does not allow, or null. */
  private String refusedParameter(Parts uri, Parts entry) {
    for (Map.Entry<String, String> param : uri.params().entrySet()) {
      String pinned = entry.params().get(param.getKey());
      if (!params.contains(param.getKey()) && !param.getValue().equals(pinned)) {
        return param.getKey();
      }
    }
    return null;
  }

  /**
   * Takes {@code text} apart, refusing anything that is not plain (see the class documentation). An
   * allowlist entry's host may be a {@code *.domain} pattern.
   */
  private static Parts parse(String text, boolean entry) {
    if (text.length() > MAX_LENGTH) {
      throw new IllegalArgumentException("it is longer than " + MAX_LENGTH + " characters");
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c <= 0x20 || c >= 0x7f || c == '\\') {
        throw new IllegalArgumentException(
            "a URI is plain ASCII without spaces, control characters or backslashes");
      }
    }
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("it is not a URI (" + e.getReason() + ")", e);
    }
    if (uri.getScheme() == null || uri.isOpaque()) {
      throw new IllegalArgumentException("it needs the form driver[+transport]://[host]/path");
    }
    // Case matters: libvirt only knows its drivers in lower case, and hands any other spelling
    // ("Test:///default") to its remote driver, which connects to the daemon's socket.
    String scheme = uri.getScheme();
    if (!SCHEME.matcher(scheme).matches()) {
      throw new IllegalArgumentException(
          "\""
              + scheme
              + "\" is not a libvirt driver[+transport] (lower-case letters and digits, as libvirt"
              + " spells them)");
    }
    if (uri.getRawFragment() != null) {
      throw new IllegalArgumentException("a libvirt URI has no fragment (#...)");
    }
    String user = uri.getRawUserInfo();
    if (user != null && !USER.matcher(user).matches()) {
      throw new IllegalArgumentException(
          "the user part must be a plain user name (no password, no escapes)");
    }
    String host = "";
    int port = uri.getPort();
    if (uri.getRawAuthority() != null) {
      host = uri.getHost() == null ? null : uri.getHost().toLowerCase(Locale.ROOT);
      if (entry && host == null) {
        // java.net.URI does not parse an entry's *.domain host: take host and port apart here.
        String hostPort = uri.getRawAuthority();
        int at = hostPort.lastIndexOf('@');
        if (at >= 0) {
          user = hostPort.substring(0, at);
          if (!USER.matcher(user).matches()) {
            throw new IllegalArgumentException("the user part must be a plain user name");
          }
          hostPort = hostPort.substring(at + 1);
        }
        int colon = hostPort.lastIndexOf(':');
        host = (colon < 0 ? hostPort : hostPort.substring(0, colon)).toLowerCase(Locale.ROOT);
        port = colon < 0 ? -1 : portNumber(hostPort.substring(colon + 1));
        if (!host.startsWith("*.") || !HOST.matcher(host.substring(2)).matches()) {
          throw new IllegalArgumentException("the host must be a host name or *.domain");
        }
      } else if (host == null || !HOST.matcher(host).matches()) {
        throw new IllegalArgumentException("the host must be a plain host name or address");
      }
    }
    String path = uri.getRawPath();
    if (path == null || path.isEmpty() || !path.startsWith("/")) {
      throw new IllegalArgumentException("it needs a path such as /system");
    }
    for (String segment : path.substring(1).split("/", -1)) {
      if (!SEGMENT.matcher(segment).matches() || segment.equals(".") || segment.equals("..")) {
        throw new IllegalArgumentException(
            "a path must be normalized (no \".\", \"..\", \"//\" or %-escapes)");
      }
    }
    return new Parts(text, scheme, user, host, port, path, params(uri.getRawQuery()));
  }

  private static int portNumber(String text) {
    try {
      int port = Integer.parseInt(text);
      if (port >= 1 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw new IllegalArgumentException("\"" + text + "\" is not a port");
  }

  /** Query parameters as libvirt reads them: split on & and ;, names without case, decoded. */
  private static Map<String, String> params(String query) {
    Map<String, String> params = new LinkedHashMap<>();
    if (query == null || query.isEmpty()) {
      return params;
    }
    for (String pair : query.split("[&;]", -1)) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq)).toLowerCase(Locale.ROOT);
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      if (!PARAM.matcher(name).matches()) {
        throw new IllegalArgumentException("\"" + name + "\" is not a URI parameter name");
      }
      if (params.put(name, value) != null) {
        throw new IllegalArgumentException("parameter \"" + name + "\" is given twice");
      }
    }
    return params;
  }

  /** Percent-decoding as libvirt does it ("+" stays "+"). */
  private static String decode(String text) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '%') {
        if (i + 2 >= text.length()
            || Character.digit(text.charAt(i + 1), 16) < 0
            || Character.digit(text.charAt(i + 2), 16) < 0) {
          throw new IllegalArgumentException("it has a broken %-escape");
        }
        int b =
            Character.digit(text.charAt(i + 1), 16) * 16 + Character.digit(text.charAt(i + 2), 16);
        if (b < 0x20 || b == 0x7f) {
          throw new IllegalArgumentException("it has an escaped control character");
        }
        out.write(b);
        i += 2;
      } else {
        out.write(c);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "LibvirtUriPolicy[" + allowed.stream().map(Parts::text).toList() + ", " + params + "]";
  }
}
