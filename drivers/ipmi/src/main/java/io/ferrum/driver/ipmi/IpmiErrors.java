package io.ferrum.driver.ipmi;

import io.ferrum.driver.DriverException;
import io.ferrum.driver.DriverTimeoutException;
import io.ferrum.driver.InvalidDriverInfoException;
import io.ferrum.driver.UnsupportedDriverOperationException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Turns what {@code ipmitool} printed into one {@link DriverException} with the BMC's own words,
 * short: the one line that says what went wrong, without ipmitool's verbose chatter or packet
 * dumps.
 *
 * <ul>
 *   <li>wrong user name or password: {@link InvalidDriverInfoException} naming {@code
 *       ipmi_username} / {@code ipmi_password};
 *   <li>a cipher suite the BMC does not offer: {@link InvalidDriverInfoException} naming {@code
 *       ipmi_cipher_suite};
 *   <li>no answer (nothing at that address and port, or not a BMC): {@link DriverTimeoutException};
 *   <li>a command the BMC does not know or support: {@link UnsupportedDriverOperationException};
 *   <li>anything else the BMC refused (privilege level, "Unspecified error", ...): {@link
 *       DriverException}.
 * </ul>
 *
 * <p>Stateless and thread-safe.
 */
final class IpmiErrors {

  /** What ipmitool -v prints on stderr on success too. */
  private static final List<String> CHATTER =
      List.of(
          "loading iana pen registry",
          "running get vso capabilities",
          "invalid completion code received",
          "discovered ipmb address",
          "get hpm.x capabilities request failed",
          "unable to get channel cipher suites",
          "close session command failed",
          "using best available cipher suite");

  /** Hex dumps and framing lines of ipmitool's packet traces. */
  private static final Pattern DUMP =
      Pattern.compile("^\\s*(<<|>>|--|==|\\+\\+).*|^[\\s0-9a-fA-Fx:]*$");

  private static final int MAX_LINE = 200;

  private IpmiErrors() {}

  /**
   * Throws the exception {@code stderr} and {@code exitCode} describe; returns when the command
   * succeeded. A {@code Set ... failed} line counts as a failure even with exit code 0 ({@code
   * ipmitool chassis bootdev} exits 0 when the BMC refuses).
   */
  static void check(IpmiInfo info, String what, int exitCode, String stderr) {
    List<String> lines = meaningful(stderr);
    String failedSet = null;
    for (String line : lines) {
      if (line.toLowerCase(Locale.ROOT).matches("^set .* failed.*")) {
        failedSet = line;
      }
    }
    if (exitCode == 0 && failedSet == null) {
      return;
    }
    throw failure(info, what, exitCode, lines);
  }

  /** The lines of {@code stderr} that say something, chatter and dumps left out. */
  static List<String> meaningful(String stderr) {
    List<String> kept = new ArrayList<>();
    for (String raw : stderr.split("\\R")) {
      String line = raw.strip();
      if (line.startsWith("> ")) {
        line = line.substring(2).strip();
      }
      String lower = line.toLowerCase(Locale.ROOT);
      if (line.isEmpty()
          || DUMP.matcher(line).matches()
          || CHATTER.stream().anyMatch(lower::startsWith)) {
        continue;
      }
      kept.add(line);
    }
    return kept;
  }

  private static DriverException failure(
      IpmiInfo info, String what, int exitCode, List<String> lines) {
    String all = String.join("\n", lines).toLowerCase(Locale.ROOT);
    String line = shown(pick(lines), exitCode);
    String bmc = "BMC " + info.bmc();
    if (all.contains("rakp 2 hmac is invalid")
        || all.contains("unauthorized name")
        || all.contains("activate session command failed")
        || all.contains("invalid user name")
        || all.contains("rakp 4 message has invalid integrity check")) {
      return new InvalidDriverInfoException(
          bmc
              + " rejected the credentials (driver_info."
              + IpmiInfo.USERNAME
              + " / "
              + IpmiInfo.PASSWORD
              + "): "
              + line);
    }
    if (all.contains("invalid authentication algorithm")
        || all.contains("invalid integrity algorithm")
        || all.contains("invalid confidentiality algorithm")
        || all.contains("no matching cipher suite")) {
      return new InvalidDriverInfoException(
          bmc
              + " does not offer the cipher suite asked for (driver_info."
              + IpmiInfo.CIPHER_SUITE
              + (info.cipherSuite() == null ? "" : " " + info.cipherSuite())
              + "; 3 and 17 are common): "
              + line);
    }
    if (all.contains("insufficient privilege")) {
      return new DriverException(
          bmc
              + " refused "
              + what
              + " at privilege level "
              + info.privLevel()
              + " (driver_info."
              + IpmiInfo.PRIV_LEVEL
              + "): "
              + line);
    }
    if (all.contains("unable to establish")
        || all.contains("get auth capabilities error")
        || all.contains("no response from remote controller")
        || all.contains("session timeout")
        || all.contains("unable to send command")) {
      return new DriverTimeoutException(
          bmc
              + " did not answer ("
              + info.retries()
              + " retries, "
              + info.timeoutSeconds()
              + " s each): are the address and port right, and is it reachable from the conductor?"
              + " ipmitool: "
              + line);
    }
    if (all.contains("invalid command")
        || all.contains("invalid data field in request")
        || all.contains("not supported")
        || all.contains("parameter not supported")) {
      return new UnsupportedDriverOperationException(bmc + " cannot do " + what + ": " + line);
    }
    return new DriverException(bmc + " refused " + what + ": " + line);
  }

  /** The line that says most: a failed command, then a session error, then the last one. */
  private static String pick(List<String> lines) {
    for (String line : lines) {
      if (line.toLowerCase(Locale.ROOT).contains(" failed:")) {
        return line;
      }
    }
    for (String line : lines) {
      String lower = line.toLowerCase(Locale.ROOT);
      if (lower.startsWith("rakp") || lower.contains("activate session")) {
        return line;
      }
    }
    for (String line : lines) {
      if (line.startsWith("Error")) {
        return line;
      }
    }
    return lines.isEmpty() ? null : lines.get(lines.size() - 1);
  }

  private static String shown(String line, int exitCode) {
    if (line == null) {
      return "ipmitool exited with status " + exitCode + " without a message";
    }
    String text = line.replaceAll("\\p{Cntrl}", "?");
    return text.length() > MAX_LINE ? text.substring(0, MAX_LINE) + "..." : text;
  }
}
