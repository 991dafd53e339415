package io.ferrum.cli.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.mindrot.jbcrypt.BCrypt;

/**
 * HTTP basic authentication against an htpasswd file of bcrypt hashes ({@code htpasswd -B}): one
 * {@code user:$2y$...} line per user; blank lines and {@code #} comments are ignored. Immutable and
 * thread-safe.
 */
public final class BasicAuth {

  private final Map<String, String> hashes;

  private BasicAuth(Map<String, String> hashes) {
    this.hashes = Map.copyOf(hashes);
  }

  /**
   * Reads an htpasswd file.
   *
   * @throws IllegalArgumentException naming the line that is not {@code user:bcrypt-hash}
   */
  public static BasicAuth load(Path file) throws IOException {
    Map<String, String> hashes = new HashMap<>();
    int number = 0;
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      number++;
      String trimmed = line.trim();
      if (trimmed.isEmpty() || trimmed.startsWith("#")) {
        continue;
      }
      int colon = trimmed.indexOf(':');
      String hash = colon < 0 ? "" : trimmed.substring(colon + 1);
      if (colon <= 0 || !hash.matches("\\$2[aby]\\$\\d\\d\\$.{53}")) {
        throw new IllegalArgumentException(
            file + " line " + number + ": expected user:bcrypt-hash (create it with htpasswd -B)");
      }
      hashes.put(trimmed.substring(0, colon), "$2a$" + hash.substring(4));
    }
    if (hashes.isEmpty()) {
      throw new IllegalArgumentException(file + " has no users");
    }
    return new BasicAuth(hashes);
  }

  /** Whether an {@code Authorization} header carries a known user and the right password. */
  public boolean allows(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
      return false;
    }
    String decoded;
    try {
      decoded =
          new String(
              Base64.getDecoder().decode(authorization.substring(6).trim()),
              StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return false;
    }
    int colon = decoded.indexOf(':');
    if (colon < 0) {
      return false;
    }
    String hash = hashes.get(decoded.substring(0, colon));
    return hash != null && BCrypt.checkpw(decoded.substring(colon + 1), hash);
  }
}
