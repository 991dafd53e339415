package io.ferrum.conductor;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The reservation tokens of this conductor's tasks that are alive: opened before a task writes its
 * token into a node's row, closed once the task gave the reservation back or gave up on it. A
 * reservation under this conductor's name whose token is not here has no task behind it, and {@link
 * ReservationRecovery} repairs it.
 *
 * <p>Thread-safe.
 */
final class LiveReservations {

  private final ConcurrentHashMap<Long, String> tokens = new ConcurrentHashMap<>();

  /** A fresh token (never zero), already counted as live, for a task doing {@code purpose}. */
  long open(String purpose) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    while (true) {
      long token = random.nextLong();
      if (token != 0 && tokens.putIfAbsent(token, purpose) == null) {
        return token;
      }
    }
  }

  /** The task with {@code token} no longer holds, or no longer will hold, any reservation. */
  void close(long token) {
    tokens.remove(token);
  }

  /** Whether a live task owns {@code token}. */
  boolean isLive(Long token) {
    return token != null && tokens.containsKey(token);
  }

  /** How many tasks are live. */
  int size() {
    return tokens.size();
  }
}
