package io.ferrum.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.mindrot.jbcrypt.BCrypt;

/**
 * HTTP basic authentication against an htpasswd file of bcrypt hashes ({@code htpasswd -B}): one
 * {@code user:$2y$...} line per user; blank lines and {@code #} comments are ignored.
 *
 * <p>Built to hold up against guessing:
 *
 * <ul>
 *   <li><b>Constant work.</b> An unknown user name costs a bcrypt check against a dummy hash of the
 *       file's highest cost, so answers take as long for unknown users as for known ones.
 *   <li><b>A short-lived cache.</b> A verified user and password is remembered for {@link
 *       #CACHE_TTL} as a keyed hash (HMAC-SHA256 under a random key made at start-up); the password
 *       itself is never kept. A client sending the same credentials again skips bcrypt.
 *   <li><b>Throttling per client address and user name.</b> After {@link #MAX_FAILURES} failed
 *       checks for one user name from one address within {@link #FAILURE_WINDOW}, further uncached
 *       attempts for that user from that address are refused without a bcrypt check until the
 *       window ends ({@link Result#THROTTLED}). So someone guessing a password locks out only
 *       themselves: the same user from another address, and other users behind the same address,
 *       are still checked. Guessing across many user names is bounded too: after {@link
 *       #MAX_ADDRESS_FAILURES} failures from one address, whatever the names, that address is
 *       refused in the same way. Credentials already in the cache always pass. Failures are counted
 *       under a keyed hash (HMAC-SHA256 under the start-up key) of the address and user name, so
 *       the counts hold no user name or address, and a key's size does not depend on what the
 *       client sent.
 * </ul>
 *
 * <p>Thread-safe.
 */
public final class BasicAuth {

  /** How long verified credentials are remembered. */
  public static final Duration CACHE_TTL = Duration.ofSeconds(60);

  /** Failed checks for one user name from one client address within {@link #FAILURE_WINDOW}. */
  public static final int MAX_FAILURES = 10;

  /**
   * Failed checks from one client address, whatever the user names, within {@link #FAILURE_WINDOW}.
   */
  public static final int MAX_ADDRESS_FAILURES = 10 * MAX_FAILURES;

  /** The window {@link #MAX_FAILURES} counts in. */
  public static final Duration FAILURE_WINDOW = Duration.ofSeconds(60);

  private static final int MAX_CACHED = 1024;
  private static final int MAX_TRACKED_KEYS = 20_000;

  /** What a check found. */
  public enum Result {
    /** Known user, right password. */
    ALLOWED,
    /** No usable basic credentials in the request. */
    MISSING,
    /** Unknown user or wrong password. */
    REFUSED,
    /** Too many failures for this user from this address (or from this address) lately. */
    THROTTLED
  }

  /**
   * The outcome of {@link #check}.
   *
   * @param result what was found
   * @param user the user name the request gave (for logs), or {@code null}
   * @param retryAfter for {@link Result#THROTTLED}, when the client may try again; else zero
   */
  public record Verdict(Result result, String user, Duration retryAfter) {}

  private record Failures(long windowStart, int count) {}

  private final Map<String, String> hashes;
  private final String dummyHash;
  private final LongSupplier clock;
  private final byte[] cacheKey = new byte[32];
  private final Map<String, Long> verified = new ConcurrentHashMap<>();
  private final Map<String, Failures> failures = new ConcurrentHashMap<>();
  private final AtomicLong bcryptChecks = new AtomicLong();

  private BasicAuth(Map<String, String> hashes, LongSupplier clock) {
    this.hashes = Map.copyOf(hashes);
    this.clock = clock;
    int cost = 4;
    for (String hash : hashes.values()) {
      cost = Math.max(cost, Integer.parseInt(hash.substring(4, 6)));
    }
    new SecureRandom().nextBytes(cacheKey);
    byte[] random = new byte[16];
    new SecureRandom().nextBytes(random);
    this.dummyHash =
        BCrypt.hashpw(Base64.getEncoder().encodeToString(random), BCrypt.gensalt(cost));
  }

  /**
   * Reads an htpasswd file.
   *
   * @throws IllegalArgumentException naming the line that is not {@code user:bcrypt-hash}
   */
  public static BasicAuth load(Path file) throws IOException {
    return load(file, System::nanoTime);
  }

  /** {@link #load(Path)} with a clock of nanoseconds, for tests. */
  static BasicAuth load(Path file, LongSupplier clock) throws IOException {
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
    return new BasicAuth(hashes, clock);
  }

  /**
   * Checks an {@code Authorization} header sent from {@code client} (the peer's address).
   * Thread-safe; the caller bounds how many checks run at once (each may cost one bcrypt).
   */
  public Verdict check(String authorization, String client) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
      return new Verdict(Result.MISSING, null, Duration.ZERO);
    }
    String decoded;
    try {
      decoded =
          new String(
              Base64.getDecoder().decode(authorization.substring(6).trim()),
              StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return new Verdict(Result.MISSING, null, Duration.ZERO);
    }
    int colon = decoded.indexOf(':');
    if (colon < 0) {
      return new Verdict(Result.MISSING, null, Duration.ZERO);
    }
    String user = decoded.substring(0, colon);
    long now = clock.getAsLong();
    String fingerprint = fingerprint(decoded);
    Long expires = verified.get(fingerprint);
    if (expires != null && now - expires < 0) {
      return new Verdict(Result.ALLOWED, user, Duration.ZERO);
    }
    String pairKey = fingerprint("user\0" + client + "\0" + user);
    String addressKey = fingerprint("address\0" + client);
    Duration wait = throttled(pairKey, MAX_FAILURES, now);
    if (wait.isZero()) {
      wait = throttled(addressKey, MAX_ADDRESS_FAILURES, now);
    }
    if (!wait.isZero()) {
      return new Verdict(Result.THROTTLED, user, wait);
    }
    String hash = hashes.get(user);
    bcryptChecks.incrementAndGet();
    boolean matches = BCrypt.checkpw(decoded.substring(colon + 1), hash != null ? hash : dummyHash);
    if (hash != null && matches) {
      remember(fingerprint, now);
      return new Verdict(Result.ALLOWED, user, Duration.ZERO);
    }
    recordFailure(pairKey, now);
    recordFailure(addressKey, now);
    return new Verdict(Result.REFUSED, user, Duration.ZERO);
  }

  /** How many bcrypt checks ran so far (for tests: the cache and the throttle skip them). */
  long bcryptChecks() {
    return bcryptChecks.get();
  }

  /** How long {@code key} must wait, having reached {@code max} failures; zero if it need not. */
  private Duration throttled(String key, int max, long now) {
    Failures seen = failures.get(key);
    if (seen == null || now - seen.windowStart() >= FAILURE_WINDOW.toNanos()) {
      return Duration.ZERO;
    }
    if (seen.count() < max) {
      return Duration.ZERO;
    }
    long left = FAILURE_WINDOW.toNanos() - (now - seen.windowStart());
    return Duration.ofSeconds(Math.max(1, (left + 999_999_999L) / 1_000_000_000L));
  }

  private void recordFailure(String key, long now) {
    if (failures.size() >= MAX_TRACKED_KEYS) {
      failures.values().removeIf(f -> now - f.windowStart() >= FAILURE_WINDOW.toNanos());
      if (failures.size() >= MAX_TRACKED_KEYS) {
        failures.clear();
      }
    }
    failures.merge(
        key,
        new Failures(now, 1),
        (old, one) ->
            now - old.windowStart() >= FAILURE_WINDOW.toNanos()
                ? one
                : new Failures(old.windowStart(), old.count() + 1));
  }

  private void remember(String fingerprint, long now) {
    if (verified.size() >= MAX_CACHED) {
      verified.values().removeIf(expires -> now - expires >= 0);
      if (verified.size() >= MAX_CACHED) {
        verified.clear();
      }
    }
    verified.put(fingerprint, now + CACHE_TTL.toNanos());
  }

  /** HMAC-SHA256 of {@code credentials} under this process's random key. */
  private String fingerprint(String credentials) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(cacheKey, "HmacSHA256"));
      return Base64.getEncoder()
          .encodeToString(mac.doFinal(credentials.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
    }
  }
}
