package io.ferrum.api;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An Ironic API microversion, {@code 1.N}. Ferrum serves {@link #MIN} to {@link #MAX}; a request
 * without a version header is {@code 1.1}, as in Ironic; {@code latest} means {@link #MAX}.
 *
 * @param minor the minor version
 */
public record ApiVersion(int minor) implements Comparable<ApiVersion> {

  /** The oldest version served. */
  public static final ApiVersion MIN = new ApiVersion(1);

  /** The newest version served: what Debian's {@code baremetal} client asks for. */
  public static final ApiVersion MAX = new ApiVersion(78);

  private static final Pattern FORMAT = Pattern.compile("\\s*(\\d+)\\.(\\d+)\\s*");

  /** Parses a header value. */
  public static ApiVersion parse(String header) {
    if (header == null) {
      return MIN;
    }
    String value = header.trim();
    if (value.toLowerCase(java.util.Locale.ROOT).startsWith("baremetal ")) {
      value = value.substring("baremetal ".length()).trim();
    }
    if (value.equalsIgnoreCase("latest")) {
      return MAX;
    }
    Matcher m = FORMAT.matcher(value);
    if (!m.matches()) {
      throw new ApiException(
          406, "Invalid value for X-OpenStack-Ironic-API-Version header: " + header.trim());
    }
    // Nine digits fit an int; anything longer is out of range, not a parse failure.
    long major = m.group(1).length() > 9 ? Long.MAX_VALUE : Long.parseLong(m.group(1));
    long minor = m.group(2).length() > 9 ? Long.MAX_VALUE : Long.parseLong(m.group(2));
    if (major != 1 || minor < MIN.minor || minor > MAX.minor) {
      throw new ApiException(
          406,
          "Version "
              + m.group(1)
              + "."
              + m.group(2)
              + " was requested but the "
              + (major != 1 ? "major" : "minor")
              + " version is not supported by this service. The supported version range is: ["
              + MIN
              + ", "
              + MAX
              + "].");
    }
    return new ApiVersion((int) minor);
  }

  /** Whether this version is at least {@code 1.minimum}. */
  public boolean atLeast(int minimum) {
    return minor >= minimum;
  }

  @Override
  public int compareTo(ApiVersion other) {
    return Integer.compare(minor, other.minor);
  }

  @Override
  public String toString() {
    return "1." + minor;
  }
}
