package io.ferrum.driver.agent;

import io.ferrum.driver.InvalidDriverInfoException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The iPXE scripts {@link IpxeBoot} writes, and the rule for values put into them. iPXE expands
 * {@code ${...}}, splits commands at white space and treats {@code ||}, {@code &&}, quotes and
 * {@code #} specially, so a value from a node's documents goes into a script only when it is an
 * {@code http} or {@code https} URL of at most {@value #MAX_URL} characters made only of letters,
 * digits and {@code - . _ ~ : / ? = & % + , @ [ ]}, with no {@code &&} and a host. Stateless.
 */
final class IpxeScript {

  /** The longest URL put into a script. */
  static final int MAX_URL = 1024;

  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._~:/?=&%+,@\\[\\]-]+");

  private IpxeScript() {}

  /**
   * Checks that {@code value} (found at {@code field}) may be put into an iPXE script.
   *
   * @return the value
   * @throws InvalidDriverInfoException naming the field and the rule it breaks
   */
  static String checkUrl(String field, Object value) {
    if (!(value instanceof String text) || text.isBlank()) {
      throw new InvalidDriverInfoException(field + " must be a non-empty http or https URL");
    }
    if (text.length() > MAX_URL) {
      throw refused(field, text, "it is longer than " + MAX_URL + " characters");
    }
    if (!SAFE.matcher(text).matches() || text.contains("&&")) {
      throw refused(
          field,
          text,
          "it goes into an iPXE script, so it may hold only letters, digits and"
              + " - . _ ~ : / ? = & % + , @ [ ] (no white space, control characters, quotes, $,"
              + " #, ;, | or &&); percent-encode other characters");
    }
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      throw refused(field, text, "it is not a valid URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw refused(field, text, "it must be an http or https URL");
    }
    if (uri.getHost() == null || uri.getRawUserInfo() != null) {
      throw refused(field, text, "it needs a host and may have no user information");
    }
    return text;
  }

  /** The script that boots the deploy ramdisk, retrying every 10 seconds when a download fails. */
  static String deploy(String kernel, String ramdisk, String apiUrl) {
    return "#!ipxe\n"
        + "\n"
        + ":deploy\n"
        + "imgfree\n"
        + "kernel --name deploy_kernel "
        + kernel
        + " ipa-api-url="
        + apiUrl
        + " BOOTIF=${mac} initrd=deploy_ramdisk || goto retry\n"
        + "initrd --name deploy_ramdisk "
        + ramdisk
        + " || goto retry\n"
        + "boot || goto retry\n"
        + "\n"
        + ":retry\n"
        + "echo Loading the deploy ramdisk failed, retrying in 10 seconds\n"
        + "sleep 10\n"
        + "goto deploy\n";
  }

  /**
   * The script every machine chains first: it continues with the script named after the MAC it
   * booted from, or leaves iPXE (so the firmware tries its next boot device) when there is none.
   */
  static String bootEntry() {
    return "#!ipxe\n"
        + "\n"
        + "chain pxelinux.cfg/${mac:hexhyp} || goto none\n"
        + "\n"
        + ":none\n"
        + "echo No deploy script for ${mac}, leaving iPXE\n"
        + "exit\n";
  }

  private static InvalidDriverInfoException refused(String field, String value, String why) {
    return InvalidDriverInfoException.notAllowed(field, value, why);
  }
}
